"""atheris harness for one target of targets.py, named first; the rest of the
arguments go to libFuzzer.

    python fuzz/fuzz.py hcl -max_total_time=600 fuzz/corpus/hcl
"""

import sys

import atheris

with atheris.instrument_imports():
    import targets

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in targets.TARGETS:
        sys.exit(f"usage: fuzz.py {{{','.join(targets.TARGETS)}}} [libFuzzer options] [corpus]")
    target = targets.TARGETS[sys.argv.pop(1)]

    def test_one_input(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        target(fdp.ConsumeUnicodeNoSurrogates(len(data)))

    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
