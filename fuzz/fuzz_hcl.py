"""atheris harness: hcl.  Run: python fuzz/fuzz_hcl.py -max_total_time=60 fuzz/corpus/hcl"""

import sys

import atheris

with atheris.instrument_imports():
    import targets


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    targets.TARGETS["hcl"](fdp.ConsumeUnicodeNoSurrogates(len(data)))


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
