#!/usr/bin/env python3
"""Generates the benchmark trees of bench/run.sh.

  gen_trees.py large  DIR [--files 8] [--mib 1024]          (a) a few large files
  gen_trees.py small  DIR [--files 50000] [--dirs 500] [--size 4096]   (b), (e)
  gen_trees.py mlhome DIR [--scale 1.0] [--data-mib 256]    (d) a realistic ML home

DIR must not exist yet (the caller removes a stale one). Contents are pseudo-random and
deterministic for a given seed, so every tool copies the same bytes; nothing is
compressible or deduplicable. The tree is written with ordinary file calls and then
synced, so the benchmark starts with clean page cache state for it.
"""

import argparse
import json
import os
import random
import subprocess
import sys

POOL_BYTES = 16 << 20


class Pool:
    """A block of random bytes sliced at varying offsets: cheap unique-enough content."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.data = self.rng.randbytes(POOL_BYTES)

    def take(self, n):
        if n <= 0:
            return b""
        out = bytearray()
        while len(out) < n:
            want = min(n - len(out), POOL_BYTES // 2)
            start = self.rng.randrange(0, POOL_BYTES - want + 1)
            out += self.data[start:start + want]
        return bytes(out)


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def write_big(path, size, pool, chunk=8 << 20):
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(chunk, left)
            f.write(pool.take(n))
            left -= n


def gen_large(root, files, mib):
    os.makedirs(root)
    pool = Pool(1)
    per_file = (mib << 20) // files
    for i in range(files):
        write_big(os.path.join(root, f"blob-{i:02d}.bin"), per_file, pool)


def gen_small(root, files, dirs, size):
    os.makedirs(root)
    pool = Pool(2)
    per_dir = max(1, files // dirs)
    made = 0
    d = 0
    while made < files:
        sub = os.path.join(root, f"d{d // 100:02d}", f"d{d:04d}")
        os.makedirs(sub)
        for j in range(min(per_dir, files - made)):
            write(os.path.join(sub, f"f{j:05d}.dat"), pool.take(size))
            made += 1
        d += 1


def lognormal_size(rng, median, sigma, lo, hi):
    return int(min(hi, max(lo, rng.lognormvariate(0, sigma) * median)))


def gen_venv(root, pool, rng, scale, conda_pkgs):
    """A virtual environment: bin/ with links, site-packages with many small .py, .pyc,
    .so-like extension modules, dist-info dirs; some packages hard-linked from a conda-like
    package cache (the way conda installs), so the home holds hard-link groups."""
    lib = os.path.join(root, "lib", "python3.11")
    site = os.path.join(lib, "site-packages")
    os.makedirs(site)
    bindir = os.path.join(root, "bin")
    os.makedirs(bindir)
    os.symlink("/usr/bin/python3.11", os.path.join(bindir, "python3.11"))
    os.symlink("python3.11", os.path.join(bindir, "python3"))
    os.symlink("python3", os.path.join(bindir, "python"))
    write(os.path.join(root, "pyvenv.cfg"),
          b"home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.6\n")
    packages = max(4, int(120 * scale))
    for p in range(packages):
        name = f"pkg{p:03d}"
        linked = p % 5 == 0  # every fifth package comes from the conda cache as hard links
        pkg_root = os.path.join(conda_pkgs, f"{name}-1.{p}.0") if linked else site
        modules = lognormal_size(rng, 40, 1.0, 3, 600)
        subpackages = max(1, modules // 25)
        for s in range(subpackages):
            rel = name if s == 0 else os.path.join(name, f"sub{s:02d}")
            pdir = os.path.join(pkg_root, rel)
            os.makedirs(os.path.join(pdir, "__pycache__"), exist_ok=True)
            for m in range(max(1, modules // subpackages)):
                py = pool.take(lognormal_size(rng, 3000, 1.1, 40, 200_000))
                write(os.path.join(pdir, f"mod{m:03d}.py"), py)
                write(os.path.join(pdir, "__pycache__", f"mod{m:03d}.cpython-311.pyc"),
                      pool.take(max(100, len(py) // 2)))
            write(os.path.join(pdir, "__init__.py"), pool.take(200))
        if p % 6 == 0:  # extension modules
            for k in range(1 + p % 3):
                size = lognormal_size(rng, 1 << 20, 1.2, 64 << 10, 24 << 20)
                write_big(os.path.join(pkg_root, name, f"_core{k}.cpython-311-x86_64-linux-gnu.so"),
                          int(size * min(1.0, scale * 2)), pool)
        info = os.path.join(site, f"{name}-1.{p}.0.dist-info")
        os.makedirs(info)
        for meta in ("METADATA", "RECORD", "WHEEL", "INSTALLER", "top_level.txt"):
            write(os.path.join(info, meta), pool.take(rng.randrange(20, 4000)))
        if linked:
            for dirpath, dirnames, filenames in os.walk(os.path.join(pkg_root, name)):
                target_dir = os.path.join(site, os.path.relpath(dirpath, pkg_root))
                os.makedirs(target_dir, exist_ok=True)
                for f in filenames:
                    os.link(os.path.join(dirpath, f), os.path.join(target_dir, f))
    for script in ("pip", "jupyter", "torchrun", "tensorboard"):
        path = os.path.join(bindir, script)
        write(path, b"#!" + root.encode() + b"/bin/python\nimport sys\n")
        os.chmod(path, 0o755)


def gen_git_repo(root, pool, rng, scale):
    """A real git repository with history, packed by `git gc`, plus a checkout."""
    os.makedirs(root)
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com",
               GIT_AUTHOR_DATE="2026-01-01T00:00:00Z", GIT_COMMITTER_DATE="2026-01-01T00:00:00Z")

    def git(*args):
        # gc.auto=0: a commit must not start a background `git gc --auto`, whose lock would
        # make the explicit gc below fail.
        subprocess.run(["git", "-C", root, "-c", "gc.auto=0", *args], check=True, env=env,
                       stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    git("init", "-q", "-b", "main")
    files = max(20, int(300 * scale))
    commits = max(3, int(20 * scale))
    for c in range(commits):
        for i in range(files):
            if c == 0 or rng.random() < 0.1:
                sub = os.path.join(root, "src", f"m{i % 12:02d}")
                os.makedirs(sub, exist_ok=True)
                text = pool.take(lognormal_size(rng, 4000, 1.0, 100, 100_000)).hex()
                write(os.path.join(sub, f"file{i:04d}.py"), text.encode())
        git("add", "-A")
        git("commit", "-q", "-m", f"commit {c}")
    # Pack like `git gc` does (one pack of every object, packed refs, no loose objects),
    # feeding pack-objects its object list explicitly: `git gc` itself lets pack-objects read
    # revisions from an inherited stdin, which breaks under some process supervisors.
    objects = subprocess.run(["git", "-C", root, "rev-list", "--objects", "--all"], check=True,
                             env=env, stdin=subprocess.DEVNULL, capture_output=True).stdout
    subprocess.run(["git", "-C", root, "pack-objects", "-q", "--delta-base-offset",
                    ".git/objects/pack/pack"], check=True, env=env, input=objects,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    git("prune-packed")
    git("pack-refs", "--all")


def notebook(pool, rng):
    cells = []
    for c in range(rng.randrange(5, 40)):
        cell = {"cell_type": "code", "execution_count": c, "metadata": {},
                "source": [pool.take(rng.randrange(20, 400)).hex()], "outputs": []}
        if rng.random() < 0.3:
            png = pool.take(lognormal_size(rng, 30_000, 1.3, 1000, 1_500_000)).hex()
            cell["outputs"].append({"output_type": "display_data", "metadata": {},
                                    "data": {"image/png": png}})
        cells.append(cell)
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                       "nbformat_minor": 5}).encode()


def sparse_file(path, apparent, data_every, data_len, pool):
    with open(path, "wb") as f:
        f.truncate(apparent)
        for off in range(0, apparent, data_every):
            f.seek(off)
            f.write(pool.take(min(data_len, apparent - off)))


def gen_mlhome(root, scale, data_mib):
    """`scale` multiplies the number of files (1.0: about 20,000 entries); `data_mib` is the
    size of the data shards and the checkpoint together (sparse files come on top)."""
    rng = random.Random(4)
    pool = Pool(4)
    os.makedirs(root)
    for dot, text in ((".bashrc", b"export PATH=$HOME/.venv/bin:$PATH\n"),
                      (".profile", b". ~/.bashrc\n"), (".gitconfig", b"[user]\n\tname = u\n")):
        write(os.path.join(root, dot), text)
    os.makedirs(os.path.join(root, ".cache", "empty"))
    os.makedirs(os.path.join(root, ".config", "jupyter"))
    write(os.path.join(root, ".config", "jupyter", "jupyter_server_config.json"), b"{}\n")
    os.makedirs(os.path.join(root, ".ipython", "profile_default"))
    write(os.path.join(root, ".ipython", "profile_default", "history.sqlite"),
          pool.take(int(2 << 20)))
    conda_pkgs = os.path.join(root, ".conda", "pkgs")
    os.makedirs(conda_pkgs)
    gen_venv(os.path.join(root, ".venv"), pool, rng, scale, conda_pkgs)
    gen_git_repo(os.path.join(root, "projects", "model-repo"), pool, rng, scale)

    nb_dir = os.path.join(root, "notebooks")
    os.makedirs(nb_dir)
    for i in range(max(4, int(40 * scale))):
        write(os.path.join(nb_dir, f"experiment-{i:02d}.ipynb"), notebook(pool, rng))
    os.makedirs(os.path.join(nb_dir, ".ipynb_checkpoints"))

    data = os.path.join(root, "data")
    os.makedirs(os.path.join(data, "raw"))
    shards = 6
    shard_bytes = int((data_mib << 20) * 0.75 / shards)
    for i in range(shards):
        write_big(os.path.join(data, f"train-{i:04d}.parquet"), shard_bytes, pool)
    os.symlink(f"train-{shards - 1:04d}.parquet", os.path.join(data, "latest.parquet"))
    for i in range(max(10, int(400 * scale))):
        write(os.path.join(data, "raw", f"sample-{i:05d}.csv"),
              pool.take(rng.randrange(500, 50_000)).hex().encode())
    ckpt = os.path.join(root, "checkpoints")
    os.makedirs(ckpt)
    write_big(os.path.join(ckpt, "model-step-1000.safetensors"), int((data_mib << 20) * 0.25), pool)
    os.link(os.path.join(ckpt, "model-step-1000.safetensors"), os.path.join(ckpt, "best.safetensors"))
    os.setxattr(os.path.join(ckpt, "model-step-1000.safetensors"), "user.sha256",
                b"0" * 64)
    # Sparse files: a pre-allocated memory-mapped embedding table and a scratch image,
    # mostly holes.
    sparse_file(os.path.join(data, "embeddings.mmap"), 128 << 20, 16 << 20, 256 << 10, pool)
    sparse_file(os.path.join(root, ".cache", "scratch.img"), 64 << 20, 8 << 20, 64 << 10, pool)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="kind", required=True)
    p = sub.add_parser("large")
    p.add_argument("dir")
    p.add_argument("--files", type=int, default=8)
    p.add_argument("--mib", type=int, default=1024)
    p = sub.add_parser("small")
    p.add_argument("dir")
    p.add_argument("--files", type=int, default=50_000)
    p.add_argument("--dirs", type=int, default=500)
    p.add_argument("--size", type=int, default=4096)
    p = sub.add_parser("mlhome")
    p.add_argument("dir")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--data-mib", type=int, default=256)
    args = ap.parse_args()
    if os.path.lexists(args.dir):
        sys.exit(f"gen_trees: {args.dir} already exists; remove it first")
    if args.kind == "large":
        gen_large(args.dir, args.files, args.mib)
    elif args.kind == "small":
        gen_small(args.dir, args.files, args.dirs, args.size)
    else:
        gen_mlhome(args.dir, args.scale, args.data_mib)
    fd = os.open(args.dir, os.O_RDONLY)
    os.fsync(fd)  # flush the file system holding the tree (syncfs is not in os)
    os.close(fd)
    subprocess.run(["sync", "-f", args.dir], check=False)


if __name__ == "__main__":
    main()
