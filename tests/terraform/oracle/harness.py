"""The differential harness: our scan against the real `terraform` binary.

Each case is a configuration as users write it (a catalog resource such as
`aws_bedrockagent_agent` with `foundation_model = EXPR`).  Its twin replaces
each such resource with a `terraform_data` whose `input = EXPR`, same name,
same `count`/`for_each`, same module nesting, so Terraform plans it offline
with no provider and tells us, per instance, the value it computed
(`resource_changes[].change.after.input`) or that it is known only at apply
(`after_unknown`).  Our scan must give that value, or report the reference
unresolved; any other value is a disagreement.

Terraform is slow to start, so many cases are planned in one configuration
(each case a module instance of a batch root); a batch Terraform rejects is
re-planned case by case.  Terraform's answers are cached under
`.cache/oracle/` keyed by the twin's text, so a re-run plans only new or
changed cases.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.sources import ScanOptions, discover
from checker.sources.terraform import scan_unit

REPO = Path(__file__).resolve().parents[3]
CACHE = REPO / ".cache" / "oracle"

#: Catalog resources the cases use: the model attribute and an attribute
#: known only at apply.
RESOURCES = {
    "aws_bedrockagent_agent": ("foundation_model", "agent_arn"),
    "aws_bedrock_custom_model": ("base_model_identifier", "custom_model_arn"),
    "aws_bedrock_model_invocation_job": ("model_id", "arn"),
}
#: Cases planned together in one Terraform configuration.
BATCH = 150


@dataclass(frozen=True)
class Case:
    """One configuration: files relative to the root module, and the
    command-line arguments (`-var`, `-var-file`) both sides get."""

    name: str
    files: tuple[tuple[str, str], ...]
    args: tuple[str, ...] = ()
    #: Why our scan may leave this case unresolved on purpose (documented
    #: limits); a disagreement is never allowed.
    expect_unresolved: str = ""

    def file_map(self) -> dict[str, str]:
        return dict(self.files)

    @property
    def solo(self) -> bool:
        """Cases that cannot be a module of a batch root: root inputs
        (tfvars, -var), `path.module`, or a root variable without default."""
        if self.args:
            return True
        for path, text in self.files:
            if path.endswith((".tfvars", ".tfvars.json")) or "path." in text or "terraform.workspace" in text:
                return True
        return False

    def render(self) -> str:
        out = [f"# case {self.name}" + (f"  (args: {shlex.join(self.args)})" if self.args else "")]
        for path, text in self.files:
            out.append(f"--- {path}\n{text.rstrip()}")
        return "\n".join(out)


_RESOURCE_RE = re.compile(r'resource\s+"(' + "|".join(RESOURCES) + r')"\s+"')
_ATTR_RE = re.compile(r"^(\s*)(" + "|".join(a for a, _ in RESOURCES.values()) + r")(\s*=)", re.M)
_REF_RE = re.compile(r"\b(" + "|".join(RESOURCES) + r")\.(\w+)((?:\[[^\]]*\])?)\.(\w+)")


def twin_text(text: str) -> str:
    """The `terraform_data` twin of one file."""
    text = _RESOURCE_RE.sub('resource "terraform_data" "', text)
    text = _ATTR_RE.sub(r"\1input\3", text)

    def ref(m: re.Match[str]) -> str:
        model_attr = RESOURCES[m.group(1)][0]
        attr = "input" if m.group(4) == model_attr else "output"
        return f"terraform_data.{m.group(2)}{m.group(3)}.{attr}"

    return _REF_RE.sub(ref, text)


def twin(case: Case) -> dict[str, str]:
    return {p: twin_text(t) if p.endswith(".tf") else t for p, t in case.files}


@dataclass
class TfResult:
    """Terraform's answer for one case: an error, or per instance address
    (relative to the case root) whether the value is known and what it is."""

    error: str | None = None
    instances: dict[str, tuple[bool, Any]] = field(default_factory=dict)


def terraform_path() -> str | None:
    return shutil.which("terraform")


def _env(tmp: str) -> dict[str, str]:
    rc = os.path.join(tmp, "empty.tfrc")
    Path(rc).write_text("")
    return {
        **os.environ,
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": rc,
        "TF_INPUT": "0",
    }


def _version() -> str:
    tf = terraform_path() or "terraform"
    out = subprocess.run(
        [tf, "version", "-json"], capture_output=True, text=True, check=False, env=_env(tempfile.gettempdir())
    )
    try:
        return str(json.loads(out.stdout)["terraform_version"])
    except (ValueError, KeyError):
        return out.stdout.strip()


_VERSION: list[str] = []


def _key(case: Case) -> str:
    if not _VERSION:
        _VERSION.append(_version())
    blob = json.dumps([_VERSION[0], sorted(twin(case).items()), list(case.args)])
    return hashlib.sha256(blob.encode()).hexdigest()


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def _instances(plan: dict[str, Any], prefix: str) -> dict[str, tuple[bool, Any]]:
    out: dict[str, tuple[bool, Any]] = {}
    for rc in plan.get("resource_changes", []):
        if rc.get("type") != "terraform_data" or rc.get("mode") != "managed":
            continue
        addr = str(rc["address"])
        if not addr.startswith(prefix):
            continue
        change = rc["change"]
        unknown = change.get("after_unknown", {}).get("input", False)
        known = not _any_true(unknown)
        out[addr[len(prefix) :]] = (known, change.get("after", {}).get("input") if known else None)
    return out


def _any_true(v: Any) -> bool:
    if v is True:
        return True
    if isinstance(v, list):
        return any(_any_true(i) for i in v)
    if isinstance(v, dict):
        return any(_any_true(i) for i in v.values())
    return False


def _plan(root: Path, args: Iterable[str] = ()) -> tuple[dict[str, Any] | None, str]:
    tf = terraform_path()
    assert tf is not None
    env = _env(str(root))
    steps = [
        [tf, "init", "-backend=false", "-input=false", "-no-color"],
        [tf, "plan", "-out=p", "-input=false", "-lock=false", "-refresh=false", "-no-color", *args],
        [tf, "show", "-json", "p"],
    ]
    out = None
    for cmd in steps:
        out = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=False, env=env, timeout=600)
        if out.returncode != 0:
            return None, (out.stderr or out.stdout).strip()
    assert out is not None
    return json.loads(out.stdout), ""


def _plan_solo(case: Case) -> TfResult:
    with tempfile.TemporaryDirectory(prefix="oracle-") as tmp:
        root = Path(tmp) / "root"
        _write(root, twin(case))
        plan, err = _plan(root, case.args)
    if plan is None:
        return TfResult(error=err)
    return TfResult(instances=_instances(plan, ""))


def _plan_batch(cases: list[Case]) -> dict[str, TfResult] | None:
    with tempfile.TemporaryDirectory(prefix="oracle-") as tmp:
        root = Path(tmp) / "root"
        calls = []
        for i, case in enumerate(cases):
            _write(root / f"c{i}", twin(case))
            calls.append(f'module "c{i}" {{\n  source = "./c{i}"\n}}\n')
        _write(root, {"main.tf": "".join(calls)})
        plan, _ = _plan(root)
    if plan is None:
        return None
    return {_key(c): TfResult(instances=_instances(plan, f"module.c{i}.")) for i, c in enumerate(cases)}


def _load(key: str) -> TfResult | None:
    p = CACHE / f"{key}.json"
    try:
        d = json.loads(p.read_text())
    except (OSError, ValueError):
        return None
    return TfResult(d["error"], {k: (bool(v[0]), v[1]) for k, v in d["instances"].items()})


def _store(key: str, r: TfResult) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    p = CACHE / f"{key}.json"
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps({"error": r.error, "instances": {k: list(v) for k, v in r.instances.items()}}))
    os.replace(tmp, p)


def terraform_results(cases: list[Case], workers: int = 2) -> dict[str, TfResult]:
    """Terraform's answer for each case (by `_key`), from the cache or by
    planning the cases not in it."""
    results: dict[str, TfResult] = {}
    todo: dict[str, Case] = {}
    for c in cases:
        k = _key(c)
        cached = _load(k)
        if cached is not None:
            results[k] = cached
        else:
            todo[k] = c
    batchable = [c for c in todo.values() if not c.solo]
    solo = [c for c in todo.values() if c.solo]
    batches = [batchable[i : i + BATCH] for i in range(0, len(batchable), BATCH)]

    def run_batch(batch: list[Case]) -> list[tuple[str, TfResult]]:
        got = _plan_batch(batch)
        if got is None:  # one case Terraform rejects fails the batch: plan them alone
            if len(batch) > 8:
                half = len(batch) // 2
                return run_batch(batch[:half]) + run_batch(batch[half:])
            return [(_key(c), _plan_solo(c)) for c in batch]
        return list(got.items())

    def run_solo(case: Case) -> list[tuple[str, TfResult]]:
        return [(_key(case), _plan_solo(case))]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_batch, b) for b in batches] + [pool.submit(run_solo, c) for c in solo]
        for f in futures:
            for k, r in f.result():
                _store(k, r)
                results[k] = r
    return results


# --- our side ----------------------------------------------------------------


@dataclass
class Ours:
    """Our scan's references per instance address (type replaced by
    `terraform_data`, as in the twin), and the errors it reported."""

    refs: dict[str, list[tuple[str, str, bool, bool, str | None]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _split_args(args: Iterable[str], root: Path) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    tf_vars: list[tuple[str, str]] = []
    var_files: list[str] = []
    for a in args:
        if a.startswith("-var="):
            name, _, value = a[len("-var=") :].partition("=")
            tf_vars.append((name, value))
        elif a.startswith("-var-file="):
            var_files.append(str(root / a[len("-var-file=") :]))
    return tuple(tf_vars), tuple(var_files)


def our_results(case: Case) -> Ours:
    with tempfile.TemporaryDirectory(prefix="ours-") as tmp:
        root = Path(tmp) / "root"
        _write(root, case.file_map())
        tf_vars, var_files = _split_args(case.args, root)
        options = ScanOptions(roots=(str(root),), tf_vars=tf_vars, tf_var_files=var_files)
        ours = Ours()
        for unit in discover([str(root)], options).units:
            if unit.source != "terraform" or os.path.normpath(unit.key) != os.path.normpath(str(root)):
                continue
            result = scan_unit(unit, options)
            ours.errors.extend(f"{e.file}:{e.line}: {e.message}" for e in result.errors)
            for ref in result.references:
                addr = _typeless(ref.resource, ref.resource_type)
                model_attr = RESOURCES.get(ref.resource_type, ("",))[0]
                sub = ref.attribute[len(model_attr) :] if ref.attribute.startswith(model_attr) else ref.attribute
                ours.refs.setdefault(addr, []).append((sub, ref.raw, ref.resolved, ref.conditional, ref.note))
    return ours


def _typeless(address: str, rtype: str) -> str:
    head, _, tail = address.rpartition(f"{rtype}.")
    return f"{head}terraform_data.{tail}"


# --- comparison --------------------------------------------------------------


@dataclass
class Tally:
    cases: int = 0
    instances: int = 0
    known: int = 0
    agree: int = 0
    unresolved: int = 0
    expected_unresolved: int = 0
    apply_time: int = 0
    rejected: int = 0
    disagreements: list[str] = field(default_factory=list)
    unresolved_notes: dict[str, int] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        for f in (
            "cases",
            "instances",
            "known",
            "agree",
            "unresolved",
            "expected_unresolved",
            "apply_time",
            "rejected",
        ):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.disagreements.extend(other.disagreements)
        for k, v in other.unresolved_notes.items():
            self.unresolved_notes[k] = self.unresolved_notes.get(k, 0) + v

    def summary(self) -> str:
        share = 100 * self.unresolved / self.known if self.known else 0.0
        return (
            f"{self.cases} cases, {self.instances} instances: {self.known} known to Terraform, {self.agree} agree, "
            f"{self.unresolved} unresolved ({share:.1f}%; {self.expected_unresolved} of them documented limits), "
            f"{self.apply_time} apply-time, {self.rejected} cases Terraform rejects, "
            f"{len(self.disagreements)} disagreements"
        )


def _expected(value: Any) -> dict[str, str] | None:
    """What our refs must be for a known Terraform value: {sub: raw}."""
    if value is None:
        return {}
    if isinstance(value, str):
        return {"": value}
    if isinstance(value, list) and all(isinstance(i, str) for i in value):
        return {f"[{i}]": v for i, v in enumerate(value)}
    return None


def compare(case: Case, tf: TfResult, ours: Ours) -> Tally:
    t = Tally(cases=1)

    def differ(what: str) -> None:
        t.disagreements.append(f"{what}\n{case.render()}\nour errors: {ours.errors}")

    if tf.error is not None:
        # Our scan must not report a value Terraform rejects: where the
        # rejected expression is a resource's own (its value, count or
        # for_each), that resource must be unresolved or an error reported.
        # A rejected local or module input no reported value reads is
        # Terraform's whole-configuration check, not a value: counted apart.
        t.rejected = 1
        where = {
            (f.count("/") - 1 if f.startswith("modules/") else 0, n)
            for f, n in re.findall(r'on (\S+) line \d+, in resource "terraform_data" "(\w+)"', tf.error)
        }
        by_resource: dict[tuple[int, str], list[Any]] = {}
        for addr, refs in ours.refs.items():
            name = re.sub(r"\[[^\]]*\]$", "", addr).rsplit(".", 1)[-1]
            by_resource.setdefault((addr.count("module."), name), []).extend(refs)
        for key, refs in sorted(by_resource.items()):
            if key in where and not ours.errors and all(r[2] and not r[3] and "${" not in r[1] for r in refs):
                differ(
                    f"Terraform rejects {key[1]}, our scan reports every instance: {refs}\nterraform: {tf.error[:800]}"
                )
        return t
    # An instance our scan could not expand (count or for_each unknown) is
    # reported at the block's own address: Terraform's instances of it are
    # unresolved for us, whatever value it gives.
    unexpanded = {a for a, refs in ours.refs.items() if a not in tf.instances}
    for addr, (known, value) in sorted(tf.instances.items()):
        t.instances += 1
        refs = ours.refs.get(addr)
        bare = _bare(addr)
        if not known:
            t.apply_time += 1
            if refs and any(r[2] and not r[3] and "${" not in r[1] for r in refs):
                differ(f"{addr}: Terraform knows it only at apply, our scan reports {refs}")
            continue
        t.known += 1
        want = _expected(value)
        if want is None:
            differ(f"{addr}: case error, Terraform value {value!r} is not a string or list of strings")
            continue
        if refs is None:
            if want == {}:
                t.agree += 1
            elif any("cannot parse HCL" in e for e in ours.errors):
                # python-hcl2 rejects syntax Terraform accepts: an error
                # naming the file, never a wrong value (the new parser, #20).
                t.unresolved += 1
                t.expected_unresolved += 1
                t.unresolved_notes["our parser rejects the file (python-hcl2)"] = (
                    t.unresolved_notes.get("our parser rejects the file (python-hcl2)", 0) + 1
                )
            elif any(_bare(a) == bare for a in unexpanded):
                t.unresolved += 1
                _note(t, case, next(ours.refs[a] for a in unexpanded if _bare(a) == bare))
            else:
                differ(f"{addr}: Terraform = {value!r}, our scan has no such instance (ours: {sorted(ours.refs)})")
            continue
        got = {r[0]: r[1] for r in refs if r[2] and not r[3] and "${" not in r[1]}
        vague = [r for r in refs if not r[2] or r[3] or "${" in r[1]]
        if got == want and not vague:
            t.agree += 1
        elif all(want.get(k) == v for k, v in got.items()) and vague:
            t.unresolved += 1
            _note(t, case, vague)
        else:
            differ(f"{addr}: Terraform = {value!r}, our scan = {refs}")
    for addr in sorted(set(ours.refs) - set(tf.instances)):
        refs = ours.refs[addr]
        if any(re.sub(r"\[[^\]]*\]$", "", a) == addr != a for a in tf.instances):
            continue  # unexpanded, counted as unresolved above
        if any(r[2] and not r[3] and "${" not in r[1] for r in refs):
            differ(f"{addr}: our scan reports {refs}, Terraform has no such instance ({sorted(tf.instances)})")
    return t


def _bare(addr: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", addr)


def _note(t: Tally, case: Case, refs: list[Any]) -> None:
    if case.expect_unresolved:
        t.expected_unresolved += 1
    note = next((r[4] for r in refs if r[4]), None) or "(conditional alternatives or a partial value)"
    note = re.sub(r"`[^`]*`", "`…`", note)[:80]
    t.unresolved_notes[note] = t.unresolved_notes.get(note, 0) + 1


def run_cases(cases: list[Case], workers: int = 2) -> Tally:
    tf = terraform_results(cases, workers)
    total = Tally()
    for c in cases:
        total.add(compare(c, tf[_key(c)], our_results(c)))
    return total
