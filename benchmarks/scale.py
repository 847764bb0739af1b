"""Scale benchmarks on the synthetic corpus (benchmarks/corpus.py), measured in one run.

    python benchmarks/scale.py                       # the sizes of the targets (long: hours on 2 cores)
    python benchmarks/scale.py --throughput-n 200 --speedup-n 400 --incremental-n 1000 --memory-n 2000 4000

Prints, for BENCHMARKS.md:
1. articles per second per core for extraction and geocoding, with the gazetteer index loaded
   (``--profile`` adds where the time goes);
2. the speed-up of 2 Dask worker processes over 1 on the same articles (clusters started and
   their workers' extractors loaded before timing), and the CPU time per article spent in the
   workers and in this process (client and scheduler), which shows the cost of distributing
   even on a busy machine, beside the speed-up two independent CPU-bound processes get on
   this machine in the same minute (the ceiling of any 2-worker speed-up here);
3. the time to add 1 article to a built corpus (readings cache, same output as a full
   rebuild) as a share of the full build;
4. peak memory (maximum resident set size) of a whole build of N articles, each N in its own
   process; with several N it also extrapolates linearly to 100,000.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate, write_corpus, write_jsonl  # noqa: E402


def throughput(n: int, profile: bool) -> None:
    from geomap.extract import Extractor

    articles = list(generate(n + 1))
    extractor = Extractor()
    extractor.read(articles[-1])  # loads the gazetteer index and dictionaries
    start = time.perf_counter()
    for article in articles[:n]:
        extractor.read(article)
    elapsed = time.perf_counter() - start
    words = sum(len(a.text.split()) for a in articles[:n]) / n
    print(f"throughput: {n} articles of {words:.0f} words in {elapsed:.1f} s = {n / elapsed:.1f} articles/s on one core")
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for article in articles[:min(n, 100)]:
            extractor.read(article)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def _cpu_seconds() -> float:
    """CPU time (user + system) of the calling process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


_BURN = "x = 0\nfor i in range(12_000_000):\n    x += i * i\n"


def machine_ceiling() -> float:
    """How much faster two independent CPU-bound Python processes finish than one, each run
    alone: the most any 2-worker speed-up can reach on this machine at this moment (shared or
    throttled cores give less than 2)."""
    def run(k: int) -> float:
        start = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-c", _BURN]) for _ in range(k)]
        for p in procs:
            p.wait()
        return time.perf_counter() - start
    one = run(1)
    return 2 * one / run(2)


def speedup(n: int) -> None:
    from dask.distributed import Client, LocalCluster

    from geomap.parallel import read_on_dask, worker_extractor

    articles = list(generate(n))
    times = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
                Client(cluster) as client:
            client.run(worker_extractor)  # each worker loads its index before the clock starts
            workers_before, client_before = sum(client.run(_cpu_seconds).values()), _cpu_seconds()
            start = time.perf_counter()
            count = sum(1 for _ in read_on_dask(articles, scheduler=cluster.scheduler_address))
            times[workers] = time.perf_counter() - start
            in_client = _cpu_seconds() - client_before
            in_workers = sum(client.run(_cpu_seconds).values()) - workers_before
            assert count == n
        print(f"dask: {n} articles on {workers} worker(s): {times[workers]:.1f} s = {n / times[workers]:.1f} articles/s; "
              f"CPU per article {1000 * in_workers / n:.1f} ms in the workers, {1000 * in_client / n:.1f} ms in this "
              f"process (client and scheduler)")
    ceiling = machine_ceiling()
    print(f"speed-up of 2 workers over 1: {times[1] / times[2]:.2f}x (cores here: {os.cpu_count()}); "
          f"two independent CPU-bound processes in the same minute: {ceiling:.2f}x")


def incremental(n: int, workers: int) -> None:
    from geomap.output import OUTPUT_FILES
    from geomap.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        write_corpus(corpus, n)
        cache = tmp / "readings.sqlite"
        start = time.perf_counter()
        build([corpus], tmp / "full", cache=cache, workers=workers)
        full = time.perf_counter() - start
        write_jsonl(corpus / "new.jsonl", 1, start=n)  # article n: one more article
        start = time.perf_counter()
        build([corpus], tmp / "incremental", cache=cache, workers=workers)
        added = time.perf_counter() - start
        size = cache.stat().st_size
        print(f"incremental: full build of {n} articles {full:.1f} s; adding 1 article {added:.2f} s "
              f"= {100 * added / full:.2f}% of the full build (workers={workers}; cache {size / 1e6:.0f} MB)")
        if n <= 2000:  # check the promise on small corpora: identical to a rebuild without cache
            build([corpus], tmp / "rebuild", workers=workers)
            same = all((tmp / "incremental" / f).read_bytes() == (tmp / "rebuild" / f).read_bytes() for f in OUTPUT_FILES)
            print(f"incremental output identical to a full rebuild: {same}")
        shutil.rmtree(corpus)


def peak_rss_mb() -> float:
    """This process's peak resident set size. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    from the parent through fork and exec, so a child started by a big parent would report the
    parent's peak."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# The copied readings are stored under this version, not the code's: a source file edited
# between preparing and building must not empty the cache.
SAMPLE_VERSION = "scale-benchmark-sample"


def memory_prepare(n: int, folder: Path, sample: int) -> None:
    """Write the corpus of n articles into ``folder``; with ``sample`` > 0, also a readings
    cache there in which only that many articles were read by the coder and the readings of
    the others are copies of theirs (under the others' ids). The build then runs on n distinct
    articles (ingest, cache, merge, render) in far less time. Done in its own process, so that
    the measured build's peak does not include it."""
    write_corpus(folder / "corpus", n)
    if not sample:
        return
    from geomap.cache import ReadingCache, article_key, encode_reading
    from geomap.extract import Extractor
    from geomap.ingest import read_articles

    extractor = Extractor()
    blobs = [(a.id, encode_reading(extractor.read(a))) for a in generate(sample)]
    with ReadingCache(folder / "readings.sqlite", version=SAMPLE_VERSION) as cache:
        rows = []
        for i, article in enumerate(read_articles([folder / "corpus"])):
            old_id, blob = blobs[i % sample]
            text = zlib.decompress(blob).decode().replace(json.dumps(old_id), json.dumps(article.id))
            rows.append((article_key(article), zlib.compress(text.encode(), 1)))
            if len(rows) >= 1000:
                cache.put(rows)
                rows = []
        cache.put(rows)


def memory_child(folder: Path, workers: int) -> None:
    """One whole build of the corpus in ``folder`` in this process (with its readings cache, if
    memory_prepare wrote one); prints its peak RSS in MB."""
    from geomap.cache import ReadingCache
    from geomap.pipeline import build

    path = folder / "readings.sqlite"
    cache = ReadingCache(path, version=SAMPLE_VERSION) if path.exists() else None
    base = peak_rss_mb()
    start = time.perf_counter()
    build([folder / "corpus"], folder / "out", workers=workers, cache=cache)
    elapsed = time.perf_counter() - start
    peak = peak_rss_mb()
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"peak_mb": peak, "before_build_mb": base, "children_peak_mb": workers_peak,
                      "seconds": elapsed}))


def memory(sizes: list[int], workers: int, sample: int) -> None:
    points = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, __file__, "--memory-prepare", str(n), "--memory-dir", tmp,
                            "--memory-sample", str(sample)], check=True)
            out = subprocess.run([sys.executable, __file__, "--memory-child", "--memory-dir", tmp, "--workers",
                                  str(workers)], check=True, capture_output=True, text=True).stdout
        m = json.loads(out.strip().splitlines()[-1])
        points.append((n, m["peak_mb"]))
        print(f"memory: build of {n} articles: peak {m['peak_mb']:.0f} MB in the main process "
              f"({m['before_build_mb']:.0f} MB before the build; build {m['seconds']:.0f} s"
              + (f", readings of {sample} articles copied" if sample else "") + ")"
              + (f", {m['children_peak_mb']:.0f} MB in the largest worker" if workers else ""))
    if len(points) >= 2:
        (n1, m1), (n2, m2) = points[0], points[-1]
        slope = (m2 - m1) / (n2 - n1)
        print(f"memory: {slope * 1024:.1f} KB per article; extrapolated to 100,000 articles: "
              f"{(m1 + slope * (100_000 - n1)) / 1024:.2f} GB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--throughput-n", type=int, default=2000)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--speedup-n", type=int, default=4000)
    ap.add_argument("--incremental-n", type=int, default=10_000)
    ap.add_argument("--memory-n", type=int, nargs="+", default=[100_000])
    ap.add_argument("--memory-sample", type=int, default=0,
                    help="read only this many articles for the memory builds; copy their readings for the rest")
    ap.add_argument("--workers", type=int, default=0, help="workers for the incremental and memory builds")
    ap.add_argument("--only", choices=["throughput", "speedup", "incremental", "memory"])
    ap.add_argument("--memory-prepare", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--memory-dir", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.memory_prepare:
        memory_prepare(args.memory_prepare, args.memory_dir, args.memory_sample)
        return
    if args.memory_child:
        memory_child(args.memory_dir, args.workers)
        return
    steps = {
        "throughput": lambda: throughput(args.throughput_n, args.profile),
        "speedup": lambda: speedup(args.speedup_n),
        "incremental": lambda: incremental(args.incremental_n, args.workers),
        "memory": lambda: memory(args.memory_n, args.workers, args.memory_sample),
    }
    for name, step in steps.items():
        if args.only in (None, name):
            step()


if __name__ == "__main__":
    main()
