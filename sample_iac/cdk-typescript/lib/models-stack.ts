import * as cdk from "aws-cdk-lib";
import * as bedrock from "aws-cdk-lib/aws-bedrock";
import { Construct } from "constructs";

export class ModelsStack extends cdk.Stack {
  public readonly reportingProfile: bedrock.CfnApplicationInferenceProfile;

  constructor(scope: Construct, id: string, props?: cdk.StackProps) {
    super(scope, id, props);
    // One profile per cost centre; the model id is written here only.
    this.reportingProfile = new bedrock.CfnApplicationInferenceProfile(this, "ReportingProfile", {
      inferenceProfileName: "reporting",
      modelSource: {
        copyFrom: `arn:${cdk.Aws.PARTITION}:bedrock:${this.region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0`,
      },
    });
  }
}
