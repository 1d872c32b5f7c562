// Linked into every test binary: every simulation a test runs checks the invariants of
// sim/invariants.h after each module's work (the CLI's --check).
#include "sim/invariants.h"

namespace {

const bool kChecksOn = [] {
  partnersim::set_invariant_checks_default(true);
  return true;
}();

}  // namespace
