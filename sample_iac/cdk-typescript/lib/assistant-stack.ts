import * as cdk from "aws-cdk-lib";
import * as bedrock from "aws-cdk-lib/aws-bedrock";
import { Construct } from "constructs";
import { ReportingStack } from "./reporting-stack";

export interface AssistantStackProps extends cdk.StackProps {
  profile: bedrock.CfnApplicationInferenceProfile;
}

export class AssistantStack extends cdk.Stack {
  constructor(scope: Construct, id: string, props: AssistantStackProps) {
    super(scope, id, props);
    new bedrock.CfnAgent(this, "ReportAgent", {
      agentName: "reports",
      foundationModel: props.profile.attrInferenceProfileArn,
      instruction: "You write the weekly report for the support team.",
    });
    new ReportingStack(this, "Reporting");
  }
}
