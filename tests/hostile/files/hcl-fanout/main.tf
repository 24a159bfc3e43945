# A thousand calls, each making a thousand calls, each with ten agents.
module "a" {
  count  = 1000
  source = "./m"
}
