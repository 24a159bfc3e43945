# bedrock: a generated file, larger than the --max-file-size the test sets
resource "aws_s3_bucket" "b0" {
  bucket = "generated-0"
}
resource "aws_s3_bucket" "b1" {
  bucket = "generated-1"
}
resource "aws_s3_bucket" "b2" {
  bucket = "generated-2"
}
resource "aws_s3_bucket" "b3" {
  bucket = "generated-3"
}
resource "aws_s3_bucket" "b4" {
  bucket = "generated-4"
}
resource "aws_s3_bucket" "b5" {
  bucket = "generated-5"
}
resource "aws_s3_bucket" "b6" {
  bucket = "generated-6"
}
resource "aws_s3_bucket" "b7" {
  bucket = "generated-7"
}
resource "aws_s3_bucket" "b8" {
  bucket = "generated-8"
}
resource "aws_s3_bucket" "b9" {
  bucket = "generated-9"
}
resource "aws_s3_bucket" "b10" {
  bucket = "generated-10"
}
resource "aws_s3_bucket" "b11" {
  bucket = "generated-11"
}
resource "aws_s3_bucket" "b12" {
  bucket = "generated-12"
}
resource "aws_s3_bucket" "b13" {
  bucket = "generated-13"
}
resource "aws_s3_bucket" "b14" {
  bucket = "generated-14"
}
resource "aws_s3_bucket" "b15" {
  bucket = "generated-15"
}
resource "aws_s3_bucket" "b16" {
  bucket = "generated-16"
}
resource "aws_s3_bucket" "b17" {
  bucket = "generated-17"
}
resource "aws_s3_bucket" "b18" {
  bucket = "generated-18"
}
resource "aws_s3_bucket" "b19" {
  bucket = "generated-19"
}
resource "aws_s3_bucket" "b20" {
  bucket = "generated-20"
}
resource "aws_s3_bucket" "b21" {
  bucket = "generated-21"
}
resource "aws_s3_bucket" "b22" {
  bucket = "generated-22"
}
resource "aws_s3_bucket" "b23" {
  bucket = "generated-23"
}
resource "aws_s3_bucket" "b24" {
  bucket = "generated-24"
}
resource "aws_s3_bucket" "b25" {
  bucket = "generated-25"
}
resource "aws_s3_bucket" "b26" {
  bucket = "generated-26"
}
resource "aws_s3_bucket" "b27" {
  bucket = "generated-27"
}
resource "aws_s3_bucket" "b28" {
  bucket = "generated-28"
}
resource "aws_s3_bucket" "b29" {
  bucket = "generated-29"
}
resource "aws_s3_bucket" "b30" {
  bucket = "generated-30"
}
resource "aws_s3_bucket" "b31" {
  bucket = "generated-31"
}
resource "aws_s3_bucket" "b32" {
  bucket = "generated-32"
}
resource "aws_s3_bucket" "b33" {
  bucket = "generated-33"
}
resource "aws_s3_bucket" "b34" {
  bucket = "generated-34"
}
resource "aws_s3_bucket" "b35" {
  bucket = "generated-35"
}
resource "aws_s3_bucket" "b36" {
  bucket = "generated-36"
}
resource "aws_s3_bucket" "b37" {
  bucket = "generated-37"
}
resource "aws_s3_bucket" "b38" {
  bucket = "generated-38"
}
resource "aws_s3_bucket" "b39" {
  bucket = "generated-39"
}
resource "aws_s3_bucket" "b40" {
  bucket = "generated-40"
}
resource "aws_s3_bucket" "b41" {
  bucket = "generated-41"
}
resource "aws_s3_bucket" "b42" {
  bucket = "generated-42"
}
resource "aws_s3_bucket" "b43" {
  bucket = "generated-43"
}
resource "aws_s3_bucket" "b44" {
  bucket = "generated-44"
}
resource "aws_s3_bucket" "b45" {
  bucket = "generated-45"
}
resource "aws_s3_bucket" "b46" {
  bucket = "generated-46"
}
resource "aws_s3_bucket" "b47" {
  bucket = "generated-47"
}
resource "aws_s3_bucket" "b48" {
  bucket = "generated-48"
}
resource "aws_s3_bucket" "b49" {
  bucket = "generated-49"
}
resource "aws_s3_bucket" "b50" {
  bucket = "generated-50"
}
resource "aws_s3_bucket" "b51" {
  bucket = "generated-51"
}
resource "aws_s3_bucket" "b52" {
  bucket = "generated-52"
}
resource "aws_s3_bucket" "b53" {
  bucket = "generated-53"
}
resource "aws_s3_bucket" "b54" {
  bucket = "generated-54"
}
resource "aws_s3_bucket" "b55" {
  bucket = "generated-55"
}
resource "aws_s3_bucket" "b56" {
  bucket = "generated-56"
}
resource "aws_s3_bucket" "b57" {
  bucket = "generated-57"
}
resource "aws_s3_bucket" "b58" {
  bucket = "generated-58"
}
resource "aws_s3_bucket" "b59" {
  bucket = "generated-59"
}
resource "aws_s3_bucket" "b60" {
  bucket = "generated-60"
}
resource "aws_s3_bucket" "b61" {
  bucket = "generated-61"
}
resource "aws_s3_bucket" "b62" {
  bucket = "generated-62"
}
resource "aws_s3_bucket" "b63" {
  bucket = "generated-63"
}
resource "aws_s3_bucket" "b64" {
  bucket = "generated-64"
}
resource "aws_s3_bucket" "b65" {
  bucket = "generated-65"
}
resource "aws_s3_bucket" "b66" {
  bucket = "generated-66"
}
resource "aws_s3_bucket" "b67" {
  bucket = "generated-67"
}
resource "aws_s3_bucket" "b68" {
  bucket = "generated-68"
}
resource "aws_s3_bucket" "b69" {
  bucket = "generated-69"
}
resource "aws_s3_bucket" "b70" {
  bucket = "generated-70"
}
resource "aws_s3_bucket" "b71" {
  bucket = "generated-71"
}
resource "aws_s3_bucket" "b72" {
  bucket = "generated-72"
}
resource "aws_s3_bucket" "b73" {
  bucket = "generated-73"
}
resource "aws_s3_bucket" "b74" {
  bucket = "generated-74"
}
resource "aws_s3_bucket" "b75" {
  bucket = "generated-75"
}
resource "aws_s3_bucket" "b76" {
  bucket = "generated-76"
}
resource "aws_s3_bucket" "b77" {
  bucket = "generated-77"
}
resource "aws_s3_bucket" "b78" {
  bucket = "generated-78"
}
resource "aws_s3_bucket" "b79" {
  bucket = "generated-79"
}
resource "aws_s3_bucket" "b80" {
  bucket = "generated-80"
}
resource "aws_s3_bucket" "b81" {
  bucket = "generated-81"
}
resource "aws_s3_bucket" "b82" {
  bucket = "generated-82"
}
resource "aws_s3_bucket" "b83" {
  bucket = "generated-83"
}
resource "aws_s3_bucket" "b84" {
  bucket = "generated-84"
}
resource "aws_s3_bucket" "b85" {
  bucket = "generated-85"
}
resource "aws_s3_bucket" "b86" {
  bucket = "generated-86"
}
resource "aws_s3_bucket" "b87" {
  bucket = "generated-87"
}
resource "aws_s3_bucket" "b88" {
  bucket = "generated-88"
}
resource "aws_s3_bucket" "b89" {
  bucket = "generated-89"
}
resource "aws_s3_bucket" "b90" {
  bucket = "generated-90"
}
resource "aws_s3_bucket" "b91" {
  bucket = "generated-91"
}
resource "aws_s3_bucket" "b92" {
  bucket = "generated-92"
}
resource "aws_s3_bucket" "b93" {
  bucket = "generated-93"
}
resource "aws_s3_bucket" "b94" {
  bucket = "generated-94"
}
resource "aws_s3_bucket" "b95" {
  bucket = "generated-95"
}
resource "aws_s3_bucket" "b96" {
  bucket = "generated-96"
}
resource "aws_s3_bucket" "b97" {
  bucket = "generated-97"
}
resource "aws_s3_bucket" "b98" {
  bucket = "generated-98"
}
resource "aws_s3_bucket" "b99" {
  bucket = "generated-99"
}
resource "aws_s3_bucket" "b100" {
  bucket = "generated-100"
}
resource "aws_s3_bucket" "b101" {
  bucket = "generated-101"
}
resource "aws_s3_bucket" "b102" {
  bucket = "generated-102"
}
resource "aws_s3_bucket" "b103" {
  bucket = "generated-103"
}
resource "aws_s3_bucket" "b104" {
  bucket = "generated-104"
}
resource "aws_s3_bucket" "b105" {
  bucket = "generated-105"
}
resource "aws_s3_bucket" "b106" {
  bucket = "generated-106"
}
resource "aws_s3_bucket" "b107" {
  bucket = "generated-107"
}
resource "aws_s3_bucket" "b108" {
  bucket = "generated-108"
}
resource "aws_s3_bucket" "b109" {
  bucket = "generated-109"
}
resource "aws_s3_bucket" "b110" {
  bucket = "generated-110"
}
resource "aws_s3_bucket" "b111" {
  bucket = "generated-111"
}
resource "aws_s3_bucket" "b112" {
  bucket = "generated-112"
}
resource "aws_s3_bucket" "b113" {
  bucket = "generated-113"
}
resource "aws_s3_bucket" "b114" {
  bucket = "generated-114"
}
resource "aws_s3_bucket" "b115" {
  bucket = "generated-115"
}
resource "aws_s3_bucket" "b116" {
  bucket = "generated-116"
}
resource "aws_s3_bucket" "b117" {
  bucket = "generated-117"
}
resource "aws_s3_bucket" "b118" {
  bucket = "generated-118"
}
resource "aws_s3_bucket" "b119" {
  bucket = "generated-119"
}
resource "aws_s3_bucket" "b120" {
  bucket = "generated-120"
}
resource "aws_s3_bucket" "b121" {
  bucket = "generated-121"
}
resource "aws_s3_bucket" "b122" {
  bucket = "generated-122"
}
resource "aws_s3_bucket" "b123" {
  bucket = "generated-123"
}
resource "aws_s3_bucket" "b124" {
  bucket = "generated-124"
}
resource "aws_s3_bucket" "b125" {
  bucket = "generated-125"
}
resource "aws_s3_bucket" "b126" {
  bucket = "generated-126"
}
resource "aws_s3_bucket" "b127" {
  bucket = "generated-127"
}
resource "aws_s3_bucket" "b128" {
  bucket = "generated-128"
}
resource "aws_s3_bucket" "b129" {
  bucket = "generated-129"
}
resource "aws_s3_bucket" "b130" {
  bucket = "generated-130"
}
resource "aws_s3_bucket" "b131" {
  bucket = "generated-131"
}
resource "aws_s3_bucket" "b132" {
  bucket = "generated-132"
}
resource "aws_s3_bucket" "b133" {
  bucket = "generated-133"
}
resource "aws_s3_bucket" "b134" {
  bucket = "generated-134"
}
resource "aws_s3_bucket" "b135" {
  bucket = "generated-135"
}
resource "aws_s3_bucket" "b136" {
  bucket = "generated-136"
}
resource "aws_s3_bucket" "b137" {
  bucket = "generated-137"
}
resource "aws_s3_bucket" "b138" {
  bucket = "generated-138"
}
resource "aws_s3_bucket" "b139" {
  bucket = "generated-139"
}
resource "aws_s3_bucket" "b140" {
  bucket = "generated-140"
}
resource "aws_s3_bucket" "b141" {
  bucket = "generated-141"
}
resource "aws_s3_bucket" "b142" {
  bucket = "generated-142"
}
resource "aws_s3_bucket" "b143" {
  bucket = "generated-143"
}
resource "aws_s3_bucket" "b144" {
  bucket = "generated-144"
}
resource "aws_s3_bucket" "b145" {
  bucket = "generated-145"
}
resource "aws_s3_bucket" "b146" {
  bucket = "generated-146"
}
resource "aws_s3_bucket" "b147" {
  bucket = "generated-147"
}
resource "aws_s3_bucket" "b148" {
  bucket = "generated-148"
}
resource "aws_s3_bucket" "b149" {
  bucket = "generated-149"
}
resource "aws_s3_bucket" "b150" {
  bucket = "generated-150"
}
resource "aws_s3_bucket" "b151" {
  bucket = "generated-151"
}
resource "aws_s3_bucket" "b152" {
  bucket = "generated-152"
}
resource "aws_s3_bucket" "b153" {
  bucket = "generated-153"
}
resource "aws_s3_bucket" "b154" {
  bucket = "generated-154"
}
resource "aws_s3_bucket" "b155" {
  bucket = "generated-155"
}
resource "aws_s3_bucket" "b156" {
  bucket = "generated-156"
}
resource "aws_s3_bucket" "b157" {
  bucket = "generated-157"
}
resource "aws_s3_bucket" "b158" {
  bucket = "generated-158"
}
resource "aws_s3_bucket" "b159" {
  bucket = "generated-159"
}
resource "aws_s3_bucket" "b160" {
  bucket = "generated-160"
}
resource "aws_s3_bucket" "b161" {
  bucket = "generated-161"
}
resource "aws_s3_bucket" "b162" {
  bucket = "generated-162"
}
resource "aws_s3_bucket" "b163" {
  bucket = "generated-163"
}
resource "aws_s3_bucket" "b164" {
  bucket = "generated-164"
}
resource "aws_s3_bucket" "b165" {
  bucket = "generated-165"
}
resource "aws_s3_bucket" "b166" {
  bucket = "generated-166"
}
resource "aws_s3_bucket" "b167" {
  bucket = "generated-167"
}
resource "aws_s3_bucket" "b168" {
  bucket = "generated-168"
}
resource "aws_s3_bucket" "b169" {
  bucket = "generated-169"
}
resource "aws_s3_bucket" "b170" {
  bucket = "generated-170"
}
resource "aws_s3_bucket" "b171" {
  bucket = "generated-171"
}
resource "aws_s3_bucket" "b172" {
  bucket = "generated-172"
}
resource "aws_s3_bucket" "b173" {
  bucket = "generated-173"
}
resource "aws_s3_bucket" "b174" {
  bucket = "generated-174"
}
resource "aws_s3_bucket" "b175" {
  bucket = "generated-175"
}
resource "aws_s3_bucket" "b176" {
  bucket = "generated-176"
}
resource "aws_s3_bucket" "b177" {
  bucket = "generated-177"
}
resource "aws_s3_bucket" "b178" {
  bucket = "generated-178"
}
resource "aws_s3_bucket" "b179" {
  bucket = "generated-179"
}
resource "aws_s3_bucket" "b180" {
  bucket = "generated-180"
}
resource "aws_s3_bucket" "b181" {
  bucket = "generated-181"
}
resource "aws_s3_bucket" "b182" {
  bucket = "generated-182"
}
resource "aws_s3_bucket" "b183" {
  bucket = "generated-183"
}
resource "aws_s3_bucket" "b184" {
  bucket = "generated-184"
}
resource "aws_s3_bucket" "b185" {
  bucket = "generated-185"
}
resource "aws_s3_bucket" "b186" {
  bucket = "generated-186"
}
resource "aws_s3_bucket" "b187" {
  bucket = "generated-187"
}
resource "aws_s3_bucket" "b188" {
  bucket = "generated-188"
}
resource "aws_s3_bucket" "b189" {
  bucket = "generated-189"
}
resource "aws_s3_bucket" "b190" {
  bucket = "generated-190"
}
resource "aws_s3_bucket" "b191" {
  bucket = "generated-191"
}
resource "aws_s3_bucket" "b192" {
  bucket = "generated-192"
}
resource "aws_s3_bucket" "b193" {
  bucket = "generated-193"
}
resource "aws_s3_bucket" "b194" {
  bucket = "generated-194"
}
resource "aws_s3_bucket" "b195" {
  bucket = "generated-195"
}
resource "aws_s3_bucket" "b196" {
  bucket = "generated-196"
}
resource "aws_s3_bucket" "b197" {
  bucket = "generated-197"
}
resource "aws_s3_bucket" "b198" {
  bucket = "generated-198"
}
resource "aws_s3_bucket" "b199" {
  bucket = "generated-199"
}
