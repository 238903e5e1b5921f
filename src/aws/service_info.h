// What differs between the AWS services the client talks to, and the options of one client.
// Plain values: thread safe to copy and read.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace lifeboat::aws {

struct ServiceInfo {
  std::string service_id;       //!< "SageMaker" -> AWS_ENDPOINT_URL_SAGEMAKER
  std::string signing_name;     //!< "sagemaker"
  std::string endpoint_prefix;  //!< "api.sagemaker" -> https://api.sagemaker.<region>.<suffix>
  std::string target_prefix;    //!< "SageMaker" -> X-Amz-Target: SageMaker.<Operation>
  std::string json_version;     //!< "1.1" -> application/x-amz-json-1.1
  //! Every operation Lifeboat calls on the service, and so every IAM action
  //! (`<signing_name>:<Operation>`) a deployment must grant; JsonServiceClient refuses any
  //! other. The deployment kit's policy (packaging/aws) is tested against these lists.
  std::vector<std::string> operations;
};

//! SageMaker: AWS JSON 1.1, signing name sagemaker, endpoint api.sagemaker.<region>.
ServiceInfo sagemaker_service();
//! SQS: AWS JSON 1.0, signing name sqs, endpoint sqs.<region>, targets AmazonSQS.<Operation>.
ServiceInfo sqs_service();
//! STS, for its endpoint (AssumeRoleWithWebIdentity speaks the query protocol, unsigned).
ServiceInfo sts_service();

struct ClientOptions {
  //! From the config; empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's region.
  std::string region;
  //! From the config; empty: AWS_ENDPOINT_URL_<ID>, AWS_ENDPOINT_URL, the profile's
  //! endpoint_url, then https://<prefix>.<region>.<suffix>.
  std::string endpoint_url;
  //! Used where the default endpoint would be, after every configured one (SQS: the queue
  //! URL's scheme://host, where AWS's SDKs send JSON-protocol SQS calls); empty: none.
  std::string fallback_endpoint_url;
  //! From the config; empty: AWS_PROFILE, else "default".
  std::string profile;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};
  int max_attempts = 8;                         //!< first try + retries
  std::chrono::milliseconds base_backoff{200};  //!< full jitter: uniform(0, min(cap, base*2^n))
  std::chrono::milliseconds max_backoff{20000};
};

}  // namespace lifeboat::aws
