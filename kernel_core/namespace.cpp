#include "namespace.h"

namespace kernel {

Scheme* Namespace::find(StringView name) const
{
    usize low = 0, high = m_entries.size();
    while (low < high) {
        usize mid = (low + high) / 2;
        int c = m_entries[mid].name.view().compare(name);
        if (c == 0)
            return m_entries[mid].scheme.ptr();
        if (c < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return nullptr;
}

ErrorOr<void> Namespace::insert(StringView name, ktl::RefPtr<Scheme> scheme)
{
    usize at = 0;
    while (at < m_entries.size() && m_entries[at].name.view() < name)
        ++at;
    if (at < m_entries.size() && m_entries[at].name == name)
        return errno_error(redox::EEXIST);
    m_entries.insert(at, Entry { ktl::String(name), static_cast<ktl::RefPtr<Scheme>&&>(scheme) });
    return {};
}

void Namespace::remove(Scheme* scheme)
{
    for (usize i = 0; i < m_entries.size();) {
        if (m_entries[i].scheme.ptr() == scheme)
            m_entries.remove(i);
        else
            ++i;
    }
}

NamespaceTable::NamespaceTable()
{
    m_namespaces.append(new Namespace); // 0: null namespace
    m_namespaces.append(new Namespace); // 1: root namespace
}

NamespaceTable::~NamespaceTable()
{
    for (Namespace* ns : m_namespaces)
        delete ns;
}

ErrorOr<u32> NamespaceTable::create_from(const Namespace& from, const ktl::Vector<ktl::String>& names)
{
    auto* ns = new Namespace;
    auto copy = [&](StringView name) -> ErrorOr<void> {
        if (ns->find(name))
            return {};
        Scheme* scheme = from.find(name);
        if (!scheme)
            return errno_error(redox::ENODEV);
        return ns->insert(name, scheme);
    };
    for (const ktl::String& name : m_default_names) {
        if (from.find(name))
            (void)copy(name);
    }
    for (const ktl::String& name : names) {
        if (auto result = copy(name); result.is_error()) {
            delete ns;
            return result.error();
        }
    }
    m_namespaces.append(ns);
    return static_cast<u32>(m_namespaces.size() - 1);
}

void NamespaceTable::remove_everywhere(Scheme* scheme)
{
    for (Namespace* ns : m_namespaces)
        ns->remove(scheme);
}

} // namespace kernel
