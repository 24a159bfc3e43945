module "b" {
  count  = 1000
  source = "../n"
}
