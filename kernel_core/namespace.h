#pragma once
// Namespaces: which scheme names a process can reach. Each process has a real (rns) and an
// effective (ens) namespace; lookups use ens. Namespace 0 is the null namespace
// (capability mode): it holds only `pipe`, nobody leaves it, and nothing new can be opened.
#include "ktl/ref_ptr.h"
#include "ktl/string.h"
#include "ktl/vector.h"
#include "scheme.h"

namespace kernel {

class Namespace {
public:
    Scheme* find(StringView name) const;
    ErrorOr<void> insert(StringView name, ktl::RefPtr<Scheme> scheme);
    void remove(Scheme* scheme);
    template<typename Callback>
    void for_each(Callback callback) const
    {
        for (const Entry& entry : m_entries)
            callback(entry.name.view(), *entry.scheme);
    }
    usize size() const { return m_entries.size(); }

private:
    struct Entry {
        ktl::String name;
        ktl::RefPtr<Scheme> scheme;
    };
    ktl::Vector<Entry> m_entries; // sorted by name
};

class NamespaceTable {
public:
    static constexpr u32 null_namespace = 0;
    static constexpr u32 root_namespace = 1;

    NamespaceTable();
    ~NamespaceTable();
    Namespace* get(u32 id) const { return id < m_namespaces.size() ? m_namespaces[id] : nullptr; }
    Namespace& root() { return *m_namespaces[root_namespace]; }
    // A new namespace with the default schemes plus `names` copied from `from`.
    ErrorOr<u32> create_from(const Namespace& from, const ktl::Vector<ktl::String>& names);
    // Removes a dead scheme from every namespace.
    void remove_everywhere(Scheme* scheme);
    // Schemes every namespace gets (set once at boot).
    void set_defaults(const ktl::Vector<ktl::String>& names) { m_default_names = names; }

private:
    ktl::Vector<Namespace*> m_namespaces;
    ktl::Vector<ktl::String> m_default_names;
};

} // namespace kernel
