// latencyfs BACKING_DIR MOUNTPOINT [-o latency_us=N] [FUSE options]
//
// Mounts a pass-through view of BACKING_DIR at MOUNTPOINT that sleeps N microseconds
// (default 1000) on every metadata operation and open. See latency_fs.h for the contract.
// Unmount with `fusermount3 -u MOUNTPOINT`.
#include <sys/stat.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "latency_fs.h"

namespace {

struct Options {
  unsigned int latency_us = 1000;
  std::string backing_dir;
};

const fuse_opt kOptionSpecs[] = {
    {"latency_us=%u", offsetof(Options, latency_us), 0},
    FUSE_OPT_END,
};

// The first non-option argument is the backing directory; the rest go to libfuse.
int take_backing_dir(void* data, const char* arg, int key, fuse_args* /*outargs*/) {
  auto* options = static_cast<Options*>(data);
  if (key == FUSE_OPT_KEY_NONOPT && options->backing_dir.empty()) {
    options->backing_dir = arg;
    return 0;
  }
  return 1;
}

void usage(const char* prog) {
  std::fprintf(stderr,
               "usage: %s BACKING_DIR MOUNTPOINT [-o latency_us=N] [FUSE options]\n"
               "  latency_us=N   delay per metadata operation and open (default 1000)\n"
               "  e.g. -o allow_other,default_permissions,max_threads=64\n",
               prog);
}

}  // namespace

int main(int argc, char* argv[]) {
  // Enough worker threads that parallel clients overlap their delays (libfuse's default
  // is 10); given first so that a caller's own -o max_threads wins.
  std::vector<char*> args(argv, argv + argc);
  static char default_threads[] = "-omax_threads=64";
  args.insert(args.begin() + 1, default_threads);
  fuse_args fargs = FUSE_ARGS_INIT(static_cast<int>(args.size()), args.data());

  Options options;
  if (fuse_opt_parse(&fargs, &options, kOptionSpecs, take_backing_dir) != 0) return 2;
  if (options.backing_dir.empty()) {
    usage(argv[0]);
    return 2;
  }
  // Modes arrive already masked by the caller's umask; apply them exactly.
  ::umask(0);
  try {
    lifeboat::bench::LatencyFs fs(options.backing_dir,
                                  std::chrono::microseconds(options.latency_us));
    const fuse_operations ops = lifeboat::bench::LatencyFs::operations();
    int rc = fuse_main(fargs.argc, fargs.argv, &ops, &fs);
    fuse_opt_free_args(&fargs);
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    fuse_opt_free_args(&fargs);
    return 1;
  }
}
