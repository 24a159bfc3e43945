variable "pick" {}

# Each local may be either of two values: both the one before.
locals {
  a0 = "anthropic.claude-v2"
  a1 = var.pick ? local.a0 : local.a0
  a2 = var.pick ? local.a1 : local.a1
  a3 = var.pick ? local.a2 : local.a2
  a4 = var.pick ? local.a3 : local.a3
  a5 = var.pick ? local.a4 : local.a4
  a6 = var.pick ? local.a5 : local.a5
  a7 = var.pick ? local.a6 : local.a6
  a8 = var.pick ? local.a7 : local.a7
  a9 = var.pick ? local.a8 : local.a8
  a10 = var.pick ? local.a9 : local.a9
  a11 = var.pick ? local.a10 : local.a10
  a12 = var.pick ? local.a11 : local.a11
  a13 = var.pick ? local.a12 : local.a12
  a14 = var.pick ? local.a13 : local.a13
  a15 = var.pick ? local.a14 : local.a14
  a16 = var.pick ? local.a15 : local.a15
  a17 = var.pick ? local.a16 : local.a16
  a18 = var.pick ? local.a17 : local.a17
  a19 = var.pick ? local.a18 : local.a18
  a20 = var.pick ? local.a19 : local.a19
  a21 = var.pick ? local.a20 : local.a20
  a22 = var.pick ? local.a21 : local.a21
  a23 = var.pick ? local.a22 : local.a22
  a24 = var.pick ? local.a23 : local.a23
  a25 = var.pick ? local.a24 : local.a24
  a26 = var.pick ? local.a25 : local.a25
  a27 = var.pick ? local.a26 : local.a26
  a28 = var.pick ? local.a27 : local.a27
  a29 = var.pick ? local.a28 : local.a28
  a30 = var.pick ? local.a29 : local.a29
  a31 = var.pick ? local.a30 : local.a30
  a32 = var.pick ? local.a31 : local.a31
  a33 = var.pick ? local.a32 : local.a32
  a34 = var.pick ? local.a33 : local.a33
  a35 = var.pick ? local.a34 : local.a34
  a36 = var.pick ? local.a35 : local.a35
  a37 = var.pick ? local.a36 : local.a36
  a38 = var.pick ? local.a37 : local.a37
  a39 = var.pick ? local.a38 : local.a38
  a40 = var.pick ? local.a39 : local.a39
}

resource "aws_bedrockagent_agent" "either" {
  foundation_model = local.a40
}
