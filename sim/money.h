// Money is counted in whole grosze (1 PLN = 100 grosze) so that transfers are exact and
// the ledger can be checked for conservation bit for bit.
#pragma once

#include <cmath>
#include <cstdint>

namespace partnersim {

using Grosze = std::int64_t;

inline Grosze pln_to_grosze(double pln) { return static_cast<Grosze>(std::llround(pln * 100.0)); }
inline double grosze_to_pln(Grosze g) { return static_cast<double>(g) / 100.0; }

}  // namespace partnersim
