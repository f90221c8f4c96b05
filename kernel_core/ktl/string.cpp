#include "string.h"

namespace ktl {

// GCC 12 reports a bogus "bound exceeds maximum object size" for the inlined copy below
// (it cannot see that a view's length is bounded); the copy is exact.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wrestrict"
void String::append_copy_of(StringView part)
{
    String copy(part);
    append(copy.view());
}
#pragma GCC diagnostic pop

} // namespace ktl
