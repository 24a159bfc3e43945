#!/usr/bin/env node
import * as cdk from "aws-cdk-lib";
import { AssistantStack } from "../lib/assistant-stack";
import { ModelsStack } from "../lib/models-stack";

const app = new cdk.App();
const env = { account: "123456789012", region: "eu-central-1" };
const models = new ModelsStack(app, "ModelsStack", { env });
new AssistantStack(app, "AssistantStack", { env, profile: models.reportingProfile });

const staging = new cdk.Stage(app, "Staging", { env: { account: "210987654321", region: "us-west-2" } });
new ModelsStack(staging, "Models");
