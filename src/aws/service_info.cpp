#include "aws/service_info.h"

namespace lifeboat::aws {

ServiceInfo sagemaker_service() {
  return ServiceInfo{"SageMaker", "sagemaker", "api.sagemaker", "SageMaker", "1.1"};
}

ServiceInfo sts_service() { return ServiceInfo{"STS", "sts", "sts", "", ""}; }

}  // namespace lifeboat::aws
