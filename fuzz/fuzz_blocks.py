"""atheris harness: blocks.  Run: python fuzz/fuzz_blocks.py -max_total_time=60 fuzz/corpus/blocks"""

import sys

import atheris

with atheris.instrument_imports():
    import targets


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    targets.TARGETS["blocks"](fdp.ConsumeUnicodeNoSurrogates(len(data)))


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
