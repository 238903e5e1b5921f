// ProgressBar: one self-redrawing line on stderr for `lifeboat copy` — files, bytes, rate
// and ETA. Used from the copier's progress callback (one thread at a time).
#pragma once

#include <cstdio>

#include "transfer/copier.h"

namespace lifeboat::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::FILE* out = stderr) : out_(out) {}
  //! Redraws the line; `p.finished` ends it with a newline.
  void update(const transfer::CopyProgress& p);

 private:
  std::FILE* out_;
  size_t last_width_ = 0;
};

//! "1.5 GiB", "12.0 KiB", "512 B".
std::string human_bytes(double bytes);

}  // namespace lifeboat::cli
