import * as cdk from "aws-cdk-lib";
import * as bedrock from "aws-cdk-lib/aws-bedrock";
import { Construct } from "constructs";

export class ReportingStack extends cdk.NestedStack {
  constructor(scope: Construct, id: string, props?: cdk.NestedStackProps) {
    super(scope, id, props);
    new bedrock.CfnPrompt(this, "WeeklyPrompt", {
      name: "weekly",
      variants: [
        {
          name: "main",
          templateType: "TEXT",
          modelId: "anthropic.claude-3-7-sonnet-20250219-v1:0",
          templateConfiguration: { text: { text: "Summarize the week: {{tickets}}" } },
        },
      ],
    });
  }
}
