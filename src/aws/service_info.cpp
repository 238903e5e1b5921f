#include "aws/service_info.h"

namespace lifeboat::aws {

ServiceInfo sagemaker_service() {
  return ServiceInfo{"SageMaker",
                     "sagemaker",
                     "api.sagemaker",
                     "SageMaker",
                     "1.1",
                     {"ListDomains", "DescribeDomain", "ListUserProfiles", "DescribeUserProfile",
                      "ListSpaces", "DescribeSpace"}};
}

ServiceInfo sqs_service() {
  return ServiceInfo{
      "SQS", "sqs",
      "sqs", "AmazonSQS",
      "1.0", {"ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes"}};
}

ServiceInfo sts_service() { return ServiceInfo{"STS", "sts", "sts", "", "", {}}; }

}  // namespace lifeboat::aws
