#!/usr/bin/env python3
"""demo_sagemaker_driver.py — the SageMaker side of `make demo-sagemaker`.

Run by scripts/demo_sagemaker.sh, one subcommand per step of the story; not meant to be run
by hand. It plays the administrator with boto3 against the fake SageMaker
(tests/fakes/fake_sagemaker.py), plays the people working in Studio (files in their home
directories), plays the EventBridge rule (relaying the fake's CloudTrail records to the
daemon's POST /v1/events), and checks what Lifeboat did by looking at the home directories
on the fake's volumes and at the daemon's HTTP API.

  setup            domain "demo" with user profiles alice and bob and space team-lab; waits
                   until they are InService and their homes exist; writes their work
  relay            every 0.25 s, posts the CloudTrail records the fake made since the relay
                   started to the daemon, as one JSON array; runs until SIGTERM
  recreate         deletes and recreates alice and team-lab; waits until each new home holds
                   the old home's files, owned by the new uid:100
  recreate-domain  deletes every profile and the domain (its volume retained), creates a new
                   domain "demo" on a new volume with alice, bob and team-lab; waits as above
  summary          executions and transfers as the daemon reports them

What the steps learn (domain id, volumes, uids, snapshots of the homes) is kept in the JSON
file --state. Needs boto3 and botocore. Exits 1 with a message saying what was expected and
what was found when something does not happen in time.
"""

import argparse
import hashlib
import json
import os
import signal
import stat
import sys
import time
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

REGION = "us-east-1"
STUDIO_GID = 100  # Studio's homes belong to <uid>:100
DAY = 86400


class DemoError(Exception):
    pass


def say(text=""):
    print(f"  {text}" if text else "", flush=True)


def poll(what, fn, timeout, interval=0.1):
    """Calls fn() every `interval` seconds until it returns something true, and returns
    that. fn may return (ok, what_it_saw) instead: what it saw last is shown when `timeout`
    seconds pass without success (DemoError)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        result = fn()
        if isinstance(result, tuple):
            ok, last = result
        else:
            ok = result
        if ok:
            return ok
        if time.monotonic() >= deadline:
            detail = f"\n    last seen: {last}" if last else ""
            raise DemoError(f"timed out after {timeout:g} s waiting for {what}{detail}")
        time.sleep(interval)


# ---------------------------------------------------------------------------------------
# HTTP: the fake's control API and the daemon's API (plain JSON over urllib).

def http_json(url, method="GET", body=None, token=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        raise DemoError(f"{method} {url} answered HTTP {e.code}: "
                        f"{e.read().decode(errors='replace')[:500]}") from None
    except (urllib.error.URLError, OSError) as e:
        raise DemoError(f"{method} {url}: {e}") from None


class Daemon:
    def __init__(self, url, token_file):
        self.url = url.rstrip("/")
        with open(token_file, encoding="utf-8") as f:
            self.token = f.readline().strip()

    def get(self, path):
        return http_json(self.url + path, token=self.token)

    def post(self, path, body):
        return http_json(self.url + path, "POST", body, token=self.token)

    def profile(self, kind, name):
        for p in self.get("/v1/profiles?domain=demo").get("profiles", []):
            key = "user_profile_name" if kind == "user" else "space_name"
            if p.get("kind") == kind and p.get(key) == name:
                return p
        return None


# ---------------------------------------------------------------------------------------
# SageMaker through boto3, and the fake's notion of where homes live.

MEMBERS = {  # name -> kind
    "alice": "user",
    "bob": "user",
    "team-lab": "space",
}


class Studio:
    def __init__(self, args):
        self.endpoint = args.endpoint.rstrip("/")
        self.volume_root = args.volume_root
        session = boto3.session.Session(aws_access_key_id=args.access_key,
                                        aws_secret_access_key=args.secret_key,
                                        region_name=REGION)
        self.sm = session.client("sagemaker", endpoint_url=self.endpoint,
                                 config=botocore.config.Config(
                                     retries={"max_attempts": 5, "mode": "standard"},
                                     connect_timeout=5, read_timeout=15))

    def events(self):
        return http_json(f"{self.endpoint}/_fake/events")["events"]

    def home(self, volume, uid):
        return os.path.join(self.volume_root, volume, str(uid))

    # --- domains

    def create_domain(self, name):
        created = self.sm.create_domain(
            DomainName=name, AuthMode="IAM",
            DefaultUserSettings={"ExecutionRole": "arn:aws:iam::123456789012:role/studio"},
            SubnetIds=["subnet-0123456789abcdef0"], VpcId="vpc-0123456789abcdef0")
        domain_id = created.get("DomainId") or created["DomainArn"].rsplit("/", 1)[-1]

        def in_service():
            d = self.sm.describe_domain(DomainId=domain_id)
            return d["Status"] == "InService", f"status {d['Status']}"
        poll(f"domain {name} ({domain_id}) to be InService", in_service, 20)
        volume = self.sm.describe_domain(DomainId=domain_id)["HomeEfsFileSystemId"]
        return domain_id, volume

    def delete_domain(self, domain_id):
        self.sm.delete_domain(DomainId=domain_id,
                              RetentionPolicy={"HomeEfsFileSystem": "Retain"})
        poll(f"domain {domain_id} to be gone",
             lambda: self._gone(self.sm.describe_domain, DomainId=domain_id), 20)

    # --- user profiles and spaces

    def _key(self, kind, domain_id, name):
        return ({"DomainId": domain_id, "UserProfileName": name} if kind == "user"
                else {"DomainId": domain_id, "SpaceName": name})

    def _describe(self, kind):
        return self.sm.describe_user_profile if kind == "user" else self.sm.describe_space

    def create_member(self, kind, domain_id, name):
        """Creates the user profile or space; returns its home uid once it is InService."""
        key = self._key(kind, domain_id, name)
        (self.sm.create_user_profile if kind == "user" else self.sm.create_space)(**key)
        uid = {}

        def in_service():
            d = self._describe(kind)(**key)
            uid["uid"] = d.get("HomeEfsFileSystemUid")
            return d["Status"] == "InService" and bool(uid["uid"]), f"status {d['Status']}"
        poll(f"{kind} {name} to be InService", in_service, 20)
        return uid["uid"]

    def delete_member(self, kind, domain_id, name):
        key = self._key(kind, domain_id, name)
        (self.sm.delete_user_profile if kind == "user" else self.sm.delete_space)(**key)
        poll(f"{kind} {name} to be gone", lambda: self._gone(self._describe(kind), **key), 20)

    @staticmethod
    def _gone(describe, **key):
        try:
            d = describe(**key)
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] in ("ResourceNotFound", "ValidationException"):
                return True
            raise
        return False, f"status {d['Status']}"

    def wait_home(self, path, uid):
        """Studio makes the home some time after the profile is InService."""
        def made():
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                return False, "no such directory"
            return (stat.S_ISDIR(st.st_mode) and st.st_uid == int(uid),
                    f"owner {st.st_uid}:{st.st_gid}")
        poll(f"home directory {path}", made, 20)


# ---------------------------------------------------------------------------------------
# The work people do in their homes, and how a home is compared with another.

WORK = {
    "alice": {
        "files": {
            "README.md": "# alice's churn model\n",
            "projects/churn/notebooks/explore.ipynb":
                '{"cells": [{"cell_type": "code", "source": ["df.describe()"]}], "nbformat": 4}\n',
            "projects/churn/notebooks/train.ipynb":
                '{"cells": [{"cell_type": "code", "source": ["fit()"]}], "nbformat": 4}\n',
            "projects/churn/data/raw/part-0001.csv": "id,churned\n1,0\n2,1\n",
            "projects/churn/src/features.py": "def build(df):\n    return df\n",
            ".config/jupyter/settings.json": '{"theme": "dark"}\n',
        },
        "executables": {"bin/train.sh": "#!/bin/sh\nexec python3 -m churn.train \"$@\"\n"},
        "blobs": {"projects/churn/model.ckpt": 3 * 1024 * 1024},
        "symlinks": {"latest.ipynb": "projects/churn/notebooks/train.ipynb"},
        "private_dirs": [".config"],
    },
    "bob": {
        "files": {
            "notes.txt": "bob: remember to rerun the forecast\n",
            "forecast/q3/inputs/sales.csv": "region,revenue\nnorth,120\nsouth,95\n",
            "forecast/q3/forecast.ipynb": '{"cells": [], "nbformat": 4}\n',
            "forecast/lib/model.py": "def predict(x):\n    return 2 * x\n",
        },
        "executables": {"forecast/run.sh": "#!/bin/sh\necho forecasting\n"},
        "blobs": {"forecast/q3/weights.bin": 1024 * 1024},
        "symlinks": {"current": "forecast/q3"},
        "private_dirs": [],
    },
    "team-lab": {
        "files": {
            "shared/notes.md": "# team-lab: the team's shared notes\n",
            "shared/datasets/2026/events.csv": "t,event\n1,open\n2,close\n",
            "shared/reports/q3.txt": "Q3 looks fine.\n",
        },
        "executables": {"shared/tools/refresh.sh": "#!/bin/sh\necho refreshing\n"},
        "blobs": {"shared/datasets/2026/events.parquet": 2 * 1024 * 1024},
        "symlinks": {"current-data": "shared/datasets/2026"},
        "private_dirs": [],
    },
}


def write_work(home, uid, spec):
    """Writes the work in `home`, owned uid:100, every entry with its own mtime (days apart,
    nanoseconds set), directories dated after their contents."""
    uid = int(uid)
    for rel, text in {**spec["files"], **spec["executables"]}.items():
        path = os.path.join(home, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o755 if rel in spec["executables"] else 0o644)
    for rel, size in spec["blobs"].items():
        path = os.path.join(home, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(os.urandom(size))
        os.chmod(path, 0o600)
    for rel, target in spec["symlinks"].items():
        os.symlink(target, os.path.join(home, rel))
    for rel in spec["private_dirs"]:
        os.chmod(os.path.join(home, rel), 0o700)
    date_and_own(home, uid)


def date_and_own(home, uid):
    """chown -h uid:100 and distinct mtimes for everything below `home` (not `home`)."""
    base_ns = (int(time.time()) - 30 * DAY) * 10**9
    entries = []
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            entries.append(os.path.join(root, name))
    # Deepest first, so that dating a directory comes after dating what is in it.
    entries.sort(key=lambda p: (-p.count(os.sep), p))
    for i, path in enumerate(entries):
        os.lchown(path, uid, STUDIO_GID)
        t = base_ns + i * (DAY // 3) * 10**9 + 123456789 + i
        os.utime(path, ns=(t, t), follow_symlinks=False)


def snapshot(home):
    """Every entry below `home`: type, mode, mtime (ns), size, link target, content hash and
    owner. The home itself is left out: a recovery merges into the new home, which keeps
    its own mode and times."""
    entries = {}
    for root, dirs, files in os.walk(home):
        for name in sorted(dirs + files):
            path = os.path.join(root, name)
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue  # a copy in progress moved it
            e = {"mode": oct(stat.S_IMODE(st.st_mode)), "mtime_ns": st.st_mtime_ns,
                 "owner": f"{st.st_uid}:{st.st_gid}"}
            if stat.S_ISDIR(st.st_mode):
                e["type"] = "dir"
            elif stat.S_ISLNK(st.st_mode):
                e["type"] = "symlink"
                e["target"] = os.readlink(path)
            elif stat.S_ISREG(st.st_mode):
                e["type"] = "file"
                e["size"] = st.st_size
                e["sha256"] = file_hash(path)
            else:
                e["type"] = "other"
            entries[os.path.relpath(path, home)] = e
    return entries


def file_hash(path):
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as e:
        return f"unreadable: {e}"
    return h.hexdigest()


def differences(expected, found, owner):
    """What `found` (a snapshot) lacks or has otherwise than `expected`, every entry owned
    by `owner`; [] when they agree."""
    problems = []
    for rel, want in sorted(expected.items()):
        got = found.get(rel)
        if got is None:
            problems.append(f"{rel}: missing")
            continue
        want = {**want, "owner": owner}
        for field in ("type", "mode", "mtime_ns", "size", "target", "sha256", "owner"):
            if want.get(field) != got.get(field):
                problems.append(f"{rel}: {field} expected {want.get(field)}, "
                                f"found {got.get(field)}")
    for rel in sorted(set(found) - set(expected)):
        problems.append(f"{rel}: not expected (not in the old home)")
    return problems


def describe_home(snap):
    counts = {"file": 0, "dir": 0, "symlink": 0}
    size = 0
    for e in snap.values():
        counts[e["type"]] = counts.get(e["type"], 0) + 1
        size += e.get("size", 0)
    return (f"{counts['file']} files, {counts['dir']} directories, {counts['symlink']} "
            f"symlink, {size / 1048576:.1f} MiB")


def wait_recovered(studio, daemon, name, new_uid, new_volume, source, timeout, relaying):
    """Waits until the new home holds what `source` (a snapshot) holds, owned by the new
    uid:100, and the daemon records the profile's new home with a successful replication."""
    kind = MEMBERS[name]
    home = studio.home(new_volume, new_uid)
    owner = f"{new_uid}:{STUDIO_GID}"
    last = {"problems": ["the home does not exist yet"]}

    def restored():
        if not os.path.isdir(home):
            return False
        problems = differences(source, snapshot(home), owner)
        last["problems"] = problems
        return not problems
    try:
        poll(f"{kind} {name}'s files in its new home {home}", restored, timeout, 0.2)
    except DemoError as e:
        shown = "\n      ".join(last["problems"][:12])
        more = len(last["problems"]) - 12
        raise DemoError(f"{e}\n    expected every entry of the old home, owned by {owner}; "
                        f"found {len(last['problems'])} difference(s):\n      {shown}"
                        + (f"\n      ... and {more} more" if more > 0 else "")) from None
    root = os.lstat(home)
    if (root.st_uid, root.st_gid) != (int(new_uid), STUDIO_GID):
        raise DemoError(f"{home} itself is owned by {root.st_uid}:{root.st_gid}, "
                        f"expected {owner}")

    def recorded():
        p = daemon.profile(kind, name)
        if p is None:
            return False, "no such profile"
        ok = (p.get("efs_uid") == str(new_uid) and p.get("efs_sys_id") == new_volume
              and p.get("replication_status") == "SUCCESS")
        return ok, {k: p.get(k) for k in ("domain_id", "efs_sys_id", "efs_uid", "status",
                                          "replication_status")}
    poll(f"the daemon to record {name}'s home {new_volume}/{new_uid} and a successful "
         "replication", recorded, 30, 0.2)
    say(f"ok  {name}: {len(source)} entries back in {new_volume}/{new_uid} (contents, "
        f"modes, mtimes, symlink targets), all owned by {owner}")
    say(f"    Lifeboat learned of the recreation from {how_learned(daemon, kind, name, new_volume, new_uid, relaying)}")


def how_learned(daemon, kind, name, volume, uid, relaying):
    """Which event recorded the profile's home volume/uid: a relayed CloudTrail record
    (completed from Describe*), a reconcile pass, or seed; and what became of the others
    that told of the same home."""
    history = daemon.get(f"/v1/profiles/demo/{kind}/{name}").get("history", [])
    told = [h for h in history if h.get("event_type", "").startswith("Create")
            and (h.get("detail") or {}).get("efs_sys_id") == volume
            and (h.get("detail") or {}).get("efs_uid") == str(uid)]

    def source(h):
        event_id = h.get("event_id", "")
        if event_id.startswith("reconcile:"):
            return "a reconcile pass"
        if event_id.startswith("seed:"):
            return "seed"
        return "the relayed CloudTrail record"
    applied = [h for h in told if h.get("outcome") == "applied"]
    if not applied:
        return "no recorded event (unexpected)"
    others = [f"{source(h)} told it too: {h.get('outcome')}" for h in told
              if h is not applied[0]]
    if relaying and not any(source(h) == "the relayed CloudTrail record" for h in told):
        others.append("the relayed CloudTrail record is still held")
    return source(applied[0]) + (f" ({'; '.join(others)})" if others else "")


# ---------------------------------------------------------------------------------------
# State kept between the steps.

def load_state(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save_state(path, state):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1)
    os.replace(tmp, path)


def fake_event_count(studio):
    return len(studio.events())


def wait_relayed(args, studio):
    """Waits until the relay has posted every record the fake has made so far."""
    made = fake_event_count(studio)

    def caught_up():
        try:
            with open(args.relay_status, encoding="utf-8") as f:
                posted = json.load(f)["position"]
        except (OSError, ValueError, KeyError):
            return False, "no relay status yet"
        return posted >= made, f"{posted} of {made} records relayed"
    poll("the relay to post the fake's CloudTrail records", caught_up, 15)


# ---------------------------------------------------------------------------------------
# The steps.

def cmd_setup(args):
    studio = Studio(args)
    domain_id, volume = studio.create_domain("demo")
    say(f"domain demo: {domain_id}, home EFS volume {volume} ({studio.volume_root}/{volume})")
    state = {"domain_id": domain_id, "volume": volume, "members": {}, "homes": {}}
    for name, kind in MEMBERS.items():
        uid = studio.create_member(kind, domain_id, name)
        state["members"][name] = {"kind": kind, "uid": uid, "volume": volume}
    for name, m in state["members"].items():
        home = studio.home(volume, m["uid"])
        studio.wait_home(home, m["uid"])
        write_work(home, m["uid"], WORK[name])
        snap = snapshot(home)
        state["homes"][name] = snap
        say(f"{m['kind']:5} {name:8} InService, home {volume}/{m['uid']} (uid "
            f"{m['uid']}:{STUDIO_GID}): {describe_home(snap)}")
    save_state(args.state, state)


def cmd_relay(args):
    studio = Studio(args)
    daemon = Daemon(args.daemon, args.token_file)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    # Records made before the relay started are not sent: nothing was listening then
    # (seed recorded what they describe).
    position = fake_event_count(studio)
    save_state(args.relay_status, {"position": position})
    say(f"relay: started; the {position} record(s) made before are not sent (seed recorded "
        "what they tell)")
    failing = ""
    while not stopping:
        try:
            records = studio.events()
            batch = records[position:]
            if batch:
                answer = daemon.post("/v1/events", batch)
                for record, result in zip(batch, answer.get("results", [])):
                    detail = record["detail"]
                    params = detail.get("requestParameters") or {}
                    name = (params.get("userProfileName") or params.get("spaceName")
                            or params.get("domainName") or params.get("domainId") or "")
                    say(f"relay: {detail['eventName']} {name} -> {result.get('outcome')}: "
                        f"{result.get('message')}")
                position += len(batch)
                save_state(args.relay_status, {"position": position})
            failing = ""
        except DemoError as e:
            # EventBridge retries a failed delivery; so does the relay, with the same batch.
            if str(e) != failing:
                say(f"relay: delivery failed, retrying: {e}")
            failing = str(e)
        time.sleep(0.25)
    return 0


def cmd_recreate(args):
    studio = Studio(args)
    daemon = Daemon(args.daemon, args.token_file)
    state = load_state(args.state)
    domain_id = state["domain_id"]
    names = ["alice", "team-lab"]
    for name in names:
        kind = MEMBERS[name]
        studio.delete_member(kind, domain_id, name)
        say(f"deleted {kind} {name} (its home {state['volume']}/{state['members'][name]['uid']}"
            " stays on the volume)")
    for name in names:
        kind = MEMBERS[name]
        old_uid = state["members"][name]["uid"]
        uid = studio.create_member(kind, domain_id, name)
        say(f"recreated {kind} {name}: new home uid {uid} (was {old_uid})")
        state["members"][name]["uid"] = uid
    wait_relayed(args, studio)
    for name in names:
        m = state["members"][name]
        wait_recovered(studio, daemon, name, m["uid"], m["volume"], state["homes"][name],
                       args.timeout, relaying=True)
    # alice goes on working in her recovered home: the next recovery must bring this too.
    home = studio.home(state["volume"], state["members"]["alice"]["uid"])
    path = os.path.join(home, "projects/churn/after-recovery.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write("written after the first recovery\n")
    os.lchown(path, int(state["members"]["alice"]["uid"]), STUDIO_GID)
    os.utime(path, ns=(1_790_000_000_123_456_789,) * 2)
    say("alice writes projects/churn/after-recovery.md in her new home")
    for name in names:
        m = state["members"][name]
        state["homes"][name] = snapshot(studio.home(m["volume"], m["uid"]))
    save_state(args.state, state)


def cmd_recreate_domain(args):
    studio = Studio(args)
    daemon = Daemon(args.daemon, args.token_file)
    state = load_state(args.state)
    old_domain, old_volume = state["domain_id"], state["volume"]
    for name in ["bob", "alice", "team-lab"]:
        studio.delete_member(MEMBERS[name], old_domain, name)
    studio.delete_domain(old_domain)
    say(f"deleted bob, alice, team-lab and domain {old_domain} (RetentionPolicy Retain: "
        f"volume {old_volume} kept)")
    domain_id, volume = studio.create_domain("demo")
    if volume == old_volume:
        raise DemoError(f"the new domain reuses volume {volume}; expected a new one")
    say(f"new domain demo: {domain_id}, home EFS volume {volume}")
    for name in ["alice", "bob", "team-lab"]:
        kind = MEMBERS[name]
        uid = studio.create_member(kind, domain_id, name)
        m = state["members"][name]
        say(f"recreated {kind} {name} in it: home {volume}/{uid} (its work is in "
            f"{m['volume']}/{m['uid']})")
        state["members"][name] = {"kind": kind, "uid": uid, "volume": volume}
    state.update({"domain_id": domain_id, "volume": volume, "old_volume": old_volume})
    save_state(args.state, state)
    for name in ["bob", "alice", "team-lab"]:
        m = state["members"][name]
        wait_recovered(studio, daemon, name, m["uid"], volume, state["homes"][name],
                       args.timeout, relaying=False)
        p = daemon.profile(MEMBERS[name], name)
        if p.get("domain_id") != domain_id:
            raise DemoError(f"the daemon has {name} in domain {p.get('domain_id')}, expected "
                            f"{domain_id}")


def cmd_summary(args):
    daemon = Daemon(args.daemon, args.token_file)
    executions = daemon.get("/v1/executions").get("executions", [])
    transfers = daemon.get("/v1/transfers").get("transfers", [])
    by_status = {}
    for e in executions:
        by_status[e.get("status")] = by_status.get(e.get("status"), 0) + 1
    written = sum(int(t.get("bytes_written") or 0) for t in transfers)
    files = sum(int(t.get("files_transferred") or 0) for t in transfers)
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items())) or "none"
    say(f"executions: {statuses}")
    say(f"transfers: {len(transfers)}, {files} files, {written} bytes written "
        f"({written / 1048576:.1f} MiB)")
    expected = args.expect_recoveries
    if by_status.get("SUCCEEDED", 0) != expected or len(executions) != expected:
        raise DemoError(f"expected {expected} executions, all SUCCEEDED; found "
                        f"{len(executions)}: {statuses}")


def main(argv=None):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--endpoint", required=True, help="the fake SageMaker's URL")
    common.add_argument("--access-key", required=True)
    common.add_argument("--secret-key", required=True)
    common.add_argument("--volume-root", required=True)
    common.add_argument("--state", required=True, help="JSON file kept between the steps")
    common.add_argument("--daemon", help="the daemon's URL")
    common.add_argument("--token-file", help="the daemon's API token file")
    common.add_argument("--relay-status", help="where the relay says how far it got")
    common.add_argument("--timeout", type=float, default=40,
                        help="seconds to wait for each recovery")
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("setup", "relay", "recreate", "recreate-domain"):
        sub.add_parser(name, parents=[common])
    s = sub.add_parser("summary", parents=[common])
    s.add_argument("--expect-recoveries", type=int, required=True)
    args = p.parse_args(argv)
    handler = {"setup": cmd_setup, "relay": cmd_relay, "recreate": cmd_recreate,
               "recreate-domain": cmd_recreate_domain, "summary": cmd_summary}[args.command]
    try:
        return handler(args) or 0
    except DemoError as e:
        print(f"demo: {e}", file=sys.stderr, flush=True)
        return 1
    except botocore.exceptions.BotoCoreError as e:
        print(f"demo: SageMaker call failed: {e}", file=sys.stderr, flush=True)
        return 1
    except botocore.exceptions.ClientError as e:
        print(f"demo: SageMaker call failed: {e}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
