#!/usr/bin/env python3
"""Generate a deterministic, realistic monorepo for benchmarks.

Most of a real organisation's IaC has nothing to do with Bedrock: S3 buckets,
IAM, Lambda, VPCs.  A few services use Bedrock, and they rarely write a model
id as a literal on the resource: it arrives through variables, locals, tfvars
and module inputs.  The corpus mirrors that, plus CloudFormation and SAM
templates, a CDK cloud assembly, plan JSON files and a few files broken on
purpose, so the benchmark measures the scan people will really run.

    python bench/make_corpus.py --size small --out bench/corpus/small
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path

SIZES = {"small": 5 * 1024 * 1024, "large": 100 * 1024 * 1024}

MODELS = [
    "anthropic.claude-v2",
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-opus-4-1-20250805-v1:0",
    "ai21.jamba-1-5-large-v1:0",
    "amazon.nova-pro-v1:0",
    "amazon.titan-embed-text-v2:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "meta.llama3-2-11b-instruct-v1:0",
]


def _bucket(rng: random.Random, svc: str, i: int) -> str:
    return f'''
resource "aws_s3_bucket" "{svc}_data_{i}" {{
  bucket = "${{var.prefix}}-{svc}-data-{i}"
  tags   = local.tags
}}

resource "aws_s3_bucket_versioning" "{svc}_data_{i}" {{
  bucket = aws_s3_bucket.{svc}_data_{i}.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_server_side_encryption_configuration" "{svc}_data_{i}" {{
  bucket = aws_s3_bucket.{svc}_data_{i}.id
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.{svc}.arn
    }}
  }}
}}
'''


def _lambda(rng: random.Random, svc: str, i: int) -> str:
    runtime = rng.choice(["python3.12", "nodejs20.x", "java21"])
    return f'''
resource "aws_iam_role" "{svc}_fn_{i}" {{
  name = "${{var.prefix}}-{svc}-fn-{i}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = {{ Service = "lambda.amazonaws.com" }}
    }}]
  }})
}}

resource "aws_lambda_function" "{svc}_fn_{i}" {{
  function_name = "${{var.prefix}}-{svc}-{i}"
  role          = aws_iam_role.{svc}_fn_{i}.arn
  runtime       = "{runtime}"
  handler       = "app.handler"
  filename      = "${{path.module}}/build/{svc}-{i}.zip"
  timeout       = {rng.choice([3, 10, 30, 60])}
  memory_size   = {rng.choice([128, 256, 512, 1024])}
  environment {{
    variables = {{
      LOG_LEVEL   = "INFO"
      TABLE_NAME  = "${{var.prefix}}-{svc}-table"
      BUCKET_NAME = aws_s3_bucket.{svc}_data_0.id
    }}
  }}
}}
'''


def _network(svc: str) -> str:
    return f'''
resource "aws_vpc" "{svc}" {{
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  tags                 = merge(local.tags, {{ Name = "{svc}" }})
}}

resource "aws_subnet" "{svc}_private" {{
  count             = length(var.azs)
  vpc_id            = aws_vpc.{svc}.id
  cidr_block        = cidrsubnet(var.cidr, 4, count.index)
  availability_zone = var.azs[count.index]
}}

resource "aws_security_group" "{svc}" {{
  name   = "{svc}-sg"
  vpc_id = aws_vpc.{svc}.id
  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_kms_key" "{svc}" {{
  description         = "{svc} data key"
  enable_key_rotation = true
}}
'''


def _variables(svc: str) -> str:
    return f'''
variable "prefix" {{
  type    = string
  default = "acme"
}}

variable "cidr" {{
  type    = string
  default = "10.20.0.0/16"
}}

variable "azs" {{
  type    = list(string)
  default = ["us-east-1a", "us-east-1b"]
}}

locals {{
  tags = {{
    service = "{svc}"
    owner   = "platform"
  }}
}}
'''


def _bedrock_root(rng: random.Random, svc: str) -> dict[str, str]:
    """A root module that reaches Bedrock through tfvars, locals and a module."""
    model = rng.choice(MODELS)
    embed = "amazon.titan-embed-text-v2:0"
    files = {
        "variables.tf": _variables(svc)
        + """
variable "agent_model" {
  type = string
}

variable "pt_model" {
  type    = string
  default = "anthropic.claude-sonnet-4-5-20250929-v1:0"
}
""",
        "terraform.tfvars": f'agent_model = "{model}"\n',
        "main.tf": f'''
locals {{
  models = {{
    chat  = var.agent_model
    embed = "{embed}"
  }}
}}

module "assistant" {{
  source = "./modules/assistant"
  model  = local.models["chat"]
  prefix = var.prefix
}}

resource "aws_bedrock_provisioned_model_throughput" "{svc}" {{
  provisioned_model_name = "${{var.prefix}}-{svc}"
  model_arn              = "arn:aws:bedrock:us-east-1::foundation-model/${{var.pt_model}}"
  model_units            = 1
  commitment_duration    = "OneMonth"
}}
'''
        + _bucket(rng, svc, 0)
        + _network(svc),
        "modules/assistant/main.tf": """
variable "model" {
  type = string
}

variable "prefix" {
  type = string
}

resource "aws_iam_role" "agent" {
  name = "${var.prefix}-agent"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "bedrock.amazonaws.com" } }]
  })
}

resource "aws_bedrockagent_agent" "main" {
  agent_name              = "${var.prefix}-assistant"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = var.model
  instruction             = "You help customers find their orders and answer questions about shipping."
}
""",
    }
    return files


def _plain_root(rng: random.Random, svc: str) -> dict[str, str]:
    body = "".join(_bucket(rng, svc, i) for i in range(rng.randint(2, 6)))
    body += "".join(_lambda(rng, svc, i) for i in range(rng.randint(1, 5)))
    return {
        "variables.tf": _variables(svc),
        "main.tf": body + _network(svc),
        "outputs.tf": f"""
output "vpc_id" {{
  value = aws_vpc.{svc}.id
}}
""",
    }


def _cfn(rng: random.Random, svc: str, bedrock: bool) -> str:
    resources = []
    for i in range(rng.randint(3, 10)):
        resources.append(f"""  Bucket{i}:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${{AWS::StackName}}-{svc}-{i}"
      VersioningConfiguration:
        Status: Enabled
      Tags:
        - Key: service
          Value: {svc}
""")
    if bedrock:
        resources.append("""  Agent:
    Type: AWS::Bedrock::Agent
    Properties:
      AgentName: !Sub "${AWS::StackName}-agent"
      FoundationModel: !Ref ModelId
      Instruction: Answer questions about invoices and payments for customers.
""")
    return f"""AWSTemplateFormatVersion: "2010-09-09"
Description: {svc} stack
Parameters:
  ModelId:
    Type: String
    Default: {rng.choice(MODELS)}
Resources:
""" + "".join(resources)


def _sam(rng: random.Random, svc: str) -> str:
    return f"""AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Timeout: 30
    Environment:
      Variables:
        MODEL_ID: {rng.choice(MODELS)}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Events:
        Get:
          Type: Api
          Properties:
            Path: /{svc}
            Method: get
"""


def _plan(rng: random.Random, svc: str) -> str:
    model = rng.choice(MODELS)
    changes = []
    for i in range(rng.randint(5, 30)):
        changes.append({
            "address": f"aws_s3_bucket.b{i}", "mode": "managed", "type": "aws_s3_bucket", "name": f"b{i}",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["no-op"], "before": {"bucket": f"{svc}-{i}"}, "after": {"bucket": f"{svc}-{i}"},
                       "after_unknown": {}},
        })  # fmt: skip
    changes.append({
        "address": "aws_bedrock_provisioned_model_throughput.pt", "mode": "managed",
        "type": "aws_bedrock_provisioned_model_throughput", "name": "pt",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": None,
                   "after": {"model_arn": f"arn:aws:bedrock:us-east-1::foundation-model/{model}", "model_units": 1,
                             "provisioned_model_name": f"{svc}-pt"},
                   "after_unknown": {"id": True, "provisioned_model_arn": True}},
    })  # fmt: skip
    doc = {"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": changes,
           "planned_values": {"root_module": {}}, "configuration": {"root_module": {}}}  # fmt: skip
    return json.dumps(doc, indent=2)


def _cdk_assembly(out: Path, rng: random.Random) -> int:
    stack = {
        "Resources": {
            "AgentD4E1A2B3": {
                "Type": "AWS::Bedrock::Agent",
                "Properties": {
                    "AgentName": "cdk-agent",
                    "FoundationModel": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:",
                                {"Ref": "AWS::Partition"},
                                ":bedrock:",
                                {"Ref": "AWS::Region"},
                                f"::foundation-model/{rng.choice(MODELS)}",
                            ],
                        ]
                    },
                },
                "Metadata": {"aws:cdk:path": "AppStack/Agent/Resource"},
            }
        }
    }
    for i in range(40):
        stack["Resources"][f"Queue{i:04d}ABCD"] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {"VisibilityTimeout": 30},
            "Metadata": {"aws:cdk:path": f"AppStack/Queue{i}/Resource"},
        }
    manifest = {
        "version": "41.0.0",
        "artifacts": {
            "AppStack": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://unknown-account/unknown-region",
                "properties": {"templateFile": "AppStack.template.json"},
                "metadata": {"/AppStack/Agent/Resource": [{"type": "aws:cdk:logicalId", "data": "AgentD4E1A2B3"}]},
            }
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    t = json.dumps(stack, indent=1)
    (out / "AppStack.template.json").write_text(t)
    m = json.dumps(manifest, indent=1)
    (out / "manifest.json").write_text(m)
    (out / "cdk.out").write_text('{"version":"41.0.0"}')
    return len(t) + len(m)


BROKEN = {
    "broken/main.tf": 'resource "aws_s3_bucket" "x" {\n  bucket = "unterminated\n',
    "broken/template.yaml": "Resources:\n  A:\n    Type: AWS::S3::Bucket\n   Properties: [\n",
    "broken/plan.json": '{"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": [',
}


def generate(size: str, out: Path, seed: int = 1) -> int:
    target = SIZES[size]
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    total = 0

    def write(rel: str, text: str) -> None:
        nonlocal total
        p = out / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        total += len(text.encode())

    for rel, text in BROKEN.items():
        write(rel, text)
    total += _cdk_assembly(out / "apps" / "cdk-app" / "cdk.out", rng)
    n = 0
    while total < target:
        svc = f"svc{n:05d}"
        team = f"team{n % 37:02d}"
        kind = n % 20
        files = _bedrock_root(rng, svc) if kind == 0 else _plain_root(rng, svc)
        for rel, text in files.items():
            write(f"{team}/{svc}/terraform/{rel}", text)
        if n % 4 == 0:
            write(f"{team}/{svc}/cloudformation/stack.yaml", _cfn(rng, svc, bedrock=n % 40 == 0))
        if n % 10 == 0:
            write(f"{team}/{svc}/sam/template.yaml", _sam(rng, svc))
        if n % 25 == 0:
            write(f"{team}/{svc}/plans/tfplan.json", _plan(rng, svc))
        if n % 3 == 0:
            write(f"{team}/{svc}/README.md", f"# {svc}\n\nOwned by {team}. Deploy with the shared pipeline.\n" * 5)
        n += 1
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    out = args.out or Path(__file__).parent / "corpus" / args.size
    total = generate(args.size, out, args.seed)
    print(f"wrote {total / 1e6:.1f} MB to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
