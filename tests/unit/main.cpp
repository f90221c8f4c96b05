// doctest's main for the unit test binary (kept apart: doctest's implementation includes
// host headers whose macros clash with the project's errno names).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
