// Namespace syscalls: getns, getens, setrens, mkns.
#include "../namespace.h"
#include "common.h"

namespace kernel::syscalls {

Result sys_getns(usize, usize, usize, usize, usize) { return static_cast<usize>(current().rns); }
Result sys_getens(usize, usize, usize, usize, usize) { return static_cast<usize>(current().ens); }

Result sys_setrens(usize rns, usize ens, usize, usize, usize)
{
    constexpr usize unchanged = ~usize(0);
    Context& self = current();
    NamespaceTable& table = the_kernel().namespaces();
    usize r = rns == unchanged ? self.rns : rns;
    usize e = ens == unchanged ? self.ens : ens;
    if (r > 0xffffffffu || e > 0xffffffffu || !table.get(static_cast<u32>(r)) || !table.get(static_cast<u32>(e)))
        return errno_error(redox::EINVAL);
    // Anyone may enter the null namespace; nobody leaves it.
    bool in_null = self.rns == NamespaceTable::null_namespace || self.ens == NamespaceTable::null_namespace;
    if (in_null && (r != NamespaceTable::null_namespace || e != NamespaceTable::null_namespace))
        return errno_error(redox::EPERM);
    if (self.credentials.euid != 0) {
        auto allowed
            = [&](usize ns) { return ns == self.rns || ns == self.ens || ns == NamespaceTable::null_namespace; };
        if (!allowed(r) || !allowed(e))
            return errno_error(redox::EPERM);
    }
    self.rns = static_cast<u32>(r);
    self.ens = static_cast<u32>(e);
    return 0u;
}

Result sys_mkns(usize address, usize count, usize, usize, usize)
{
    Context& self = current();
    if (self.credentials.euid != 0)
        return errno_error(redox::EPERM);
    if (count > 256)
        return errno_error(redox::EINVAL);
    TRY(validate_user_range(address, count * 2 * sizeof(usize)));
    auto* pairs = reinterpret_cast<const usize(*)[2]>(address);
    ktl::Vector<ktl::String> names;
    for (usize i = 0; i < count; ++i) {
        StringView name = TRY(user_string(pairs[i][0], pairs[i][1], 255));
        if (name.contains('/') || name.contains(':'))
            return errno_error(redox::EINVAL);
        names.append(name);
    }
    Namespace* from = the_kernel().namespaces().get(self.ens);
    if (!from)
        return errno_error(redox::EINVAL);
    return static_cast<usize>(TRY(the_kernel().namespaces().create_from(*from, names)));
}

} // namespace kernel::syscalls
