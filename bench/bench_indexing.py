"""Indexing benchmark: `manage.py rebuild_index` on N articles, its rate and peak memory.

    .venv/bin/python bench/bench_indexing.py --size 10000 --folder DIR10K
    .venv/bin/python bench/bench_indexing.py --size 100000 --folder DIR100K
    .venv/bin/python bench/bench_indexing.py --size 10000 --folder DIR10K --profile

Loads the real corpora (bench/corpus.py, repeated with varied dates beyond 22,195 articles)
into a SQLite database in --folder once, tagged as bench/bench_search.py tags them; a rerun
on the same folder reuses the database. Then runs `manage.py rebuild_index` in a child
process --repeat times and prints documents/s and the peak resident memory of the
command and every process it starts, summed (sampled every 50 ms), and the CPU seconds they
used (user + system; on a machine busy with other work the rate falls, the CPU time much less). --profile instead runs
one rebuild in this process and prints the top lines (by CPU time) of cProfile profiles of this process and of
its first worker process.
"""

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus
from bench_search import load, setup_django

ROOT = Path(__file__).resolve().parent.parent


def prepare(folder, size, data):
    """The database of `size` articles in `folder`, loaded once."""
    built = folder / "indexing.json"
    setup_django(folder)
    if built.exists():
        if json.loads(built.read_text())["size"] != size:
            sys.exit(f"{folder} holds another size; use an empty folder")
        return
    source = corpus.read_corpus(data)
    load(list(corpus.repeated(source, corpus.proper_nouns(source), size)))
    built.write_text(json.dumps({"size": size}))


def _tree_rss_kb(root_pid):
    """Resident memory of a process and all its descendants, in kB."""
    children, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields["PPid"]), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_rebuild(folder):
    env = dict(os.environ, ARCHIVE_DATA_DIR=str(folder), ARCHIVE_SEARCH_BACKEND="whoosh")
    cpu = _children_cpu()
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "rebuild_index", "--verbosity", "0"],
                             env=env, cwd=ROOT)
    peak = 0
    while child.poll() is None:
        peak = max(peak, _tree_rss_kb(child.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if child.returncode:
        sys.exit(f"rebuild_index failed ({child.returncode})")
    return seconds, _children_cpu() - cpu, peak / 1024


def profile(lines, folder):
    """One rebuild in this process: CPU-time profiles of this process and of the first worker, by tottime."""
    from archive import search
    from archive.search.whoosh import parallel

    work = parallel._work

    def profiled_work(ix, inbox, outbox, number, *args):
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        try:
            work(ix, inbox, outbox, number, *args)
        finally:
            profiler.disable()
            profiler.dump_stats(folder / f"worker{number}.prof")

    parallel._work = profiled_work  # forked workers run it; they write their profile before reporting
    profiler = cProfile.Profile(time.process_time)
    started = time.perf_counter()
    profiler.enable()
    count = search.rebuild()
    profiler.disable()
    seconds = time.perf_counter() - started
    print(f"{count} documents in {seconds:.1f} s under the profiler ({count / seconds:.0f}/s)")
    print("This process (reads the database, builds the documents):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(lines)
    worker = folder / "worker0.prof"
    if worker.exists():  # none when the documents were too few for workers
        print("The first worker (analyses its documents, writes its segment):")
        pstats.Stats(str(worker)).sort_stats("tottime").print_stats(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=corpus.DEFAULT_DATA, help="folder with the corpora")
    parser.add_argument("--size", type=int, default=10000, help="articles (+200 entities)")
    parser.add_argument("--folder", type=Path, required=True, help="work here and keep it for reruns")
    parser.add_argument("--repeat", type=int, default=1, help="rebuilds to time")
    parser.add_argument("--profile", action="store_true", help="profile one rebuild in this process instead")
    args = parser.parse_args()
    folder = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    prepare(folder, args.size, args.data)
    if args.profile:
        profile(30, folder)
        return
    from archive.search import documents

    total = documents.count_all()
    for _ in range(args.repeat):
        seconds, cpu, peak_mb = timed_rebuild(folder)
        print(f"{total} documents: {seconds:.1f} s, {total / seconds:.0f} docs/s, {cpu:.1f} CPU s "
              f"({1000 * cpu / total:.2f} ms a document), peak memory {peak_mb:.0f} MB", flush=True)


if __name__ == "__main__":
    main()
