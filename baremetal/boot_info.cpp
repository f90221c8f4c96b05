// Parses the Multiboot 1 or Multiboot 2 information into arch::BootInfo.
//
// Usable RAM: the loader's memory map entries of type 1, clipped to [1 MiB, 4 GiB) (what
// boot.S identity-maps), shrunk to whole 4 KiB pages, minus the kernel image, the
// information structure itself and the modules. Without a memory map, the basic
// "upper memory" size is used. The command line and the module names are copied into
// static storage, so nothing here points into the loader's structure afterwards.
#include "arch_internal.h"

namespace {

constexpr u32 multiboot1_loader_magic = 0x2BADB002;
constexpr u32 multiboot2_loader_magic = 0x36D76289;
constexpr u64 low_memory_end = 0x100000;
constexpr u64 page = 4096;

char s_command_line[512];
char s_module_names[8][128];

template<typename T>
T load(u64 address)
{
    T value;
    __builtin_memcpy(&value, reinterpret_cast<const void*>(address), sizeof(T));
    return value;
}

void copy_string(char* out, usize capacity, u64 address)
{
    usize i = 0;
    if (address != 0 && address < arch::identity_map_end) {
        const char* in = reinterpret_cast<const char*>(address);
        for (; i + 1 < capacity && in[i]; ++i)
            out[i] = in[i];
    }
    out[i] = 0;
}

struct Ranges {
    arch::MemoryRange items[32];
    usize count = 0;

    void add(u64 base, u64 length)
    {
        u64 end = base + length;
        if (end < base)
            end = ~0ull;
        if (base < low_memory_end)
            base = low_memory_end;
        if (end > arch::identity_map_end)
            end = arch::identity_map_end;
        base = (base + page - 1) & ~(page - 1);
        end &= ~(page - 1);
        if (end <= base || count == 32)
            return;
        items[count++] = { base, end - base };
    }

    // Removes [start, end) from every range (splitting when needed).
    void cut(u64 start, u64 end)
    {
        start &= ~(page - 1);
        end = (end + page - 1) & ~(page - 1);
        if (end <= start)
            return;
        arch::MemoryRange out[32];
        usize n = 0;
        for (usize i = 0; i < count; ++i) {
            u64 b = items[i].base, e = items[i].base + items[i].length;
            if (end <= b || start >= e) {
                if (n < 32)
                    out[n++] = items[i];
                continue;
            }
            if (start > b && n < 32)
                out[n++] = { b, start - b };
            if (end < e && n < 32)
                out[n++] = { end, e - end };
        }
        for (usize i = 0; i < n; ++i)
            items[i] = out[i];
        count = n;
    }

    void sort_and_merge()
    {
        for (usize i = 1; i < count; ++i)
            for (usize j = i; j > 0 && items[j - 1].base > items[j].base; --j) {
                arch::MemoryRange t = items[j];
                items[j] = items[j - 1];
                items[j - 1] = t;
            }
        usize n = 0;
        for (usize i = 0; i < count; ++i) {
            if (n > 0 && items[n - 1].base + items[n - 1].length >= items[i].base) {
                u64 end = items[i].base + items[i].length;
                if (end > items[n - 1].base + items[n - 1].length)
                    items[n - 1].length = end - items[n - 1].base;
            } else {
                items[n++] = items[i];
            }
        }
        count = n;
    }
};

void add_module(arch::BootInfo& out, u64 start, u64 end, u64 name_address)
{
    if (out.module_count == 8)
        return;
    usize i = out.module_count++;
    copy_string(s_module_names[i], sizeof s_module_names[i], name_address);
    out.modules[i] = { start, end, s_module_names[i] };
}

// Multiboot 1: returns the size of the information structure (for cutting it out).
void parse_multiboot1(u64 info, arch::BootInfo& out, Ranges& ranges, u64& info_end)
{
    u32 flags = load<u32>(info);
    info_end = info + 120;
    if (flags & (1u << 2)) {
        // Multiboot 1 loaders (QEMU -kernel, GRUB) start the line with the kernel's path:
        // drop that word so that both protocols give only the arguments.
        copy_string(s_command_line, sizeof s_command_line, load<u32>(info + 16));
        usize skip = 0;
        while (s_command_line[skip] && s_command_line[skip] != ' ')
            ++skip;
        while (s_command_line[skip] == ' ')
            ++skip;
        usize i = 0;
        for (; s_command_line[skip + i]; ++i)
            s_command_line[i] = s_command_line[skip + i];
        s_command_line[i] = 0;
    }
    if (flags & (1u << 3)) {
        u32 count = load<u32>(info + 20);
        u64 list = load<u32>(info + 24);
        for (u32 i = 0; i < count; ++i) {
            u64 entry = list + 16ull * i;
            add_module(out, load<u32>(entry), load<u32>(entry + 4), load<u32>(entry + 8));
        }
    }
    if (flags & (1u << 6)) {
        u64 address = load<u32>(info + 48);
        u64 end = address + load<u32>(info + 44);
        while (address + 24 <= end) {
            u32 size = load<u32>(address); // the entry's size, not counting this field
            u64 base = load<u64>(address + 4);
            u64 length = load<u64>(address + 12);
            u32 type = load<u32>(address + 20);
            if (type == 1)
                ranges.add(base, length);
            address += size + 4ull;
        }
    } else if (flags & 1u) {
        ranges.add(low_memory_end, static_cast<u64>(load<u32>(info + 8)) * 1024); // mem_upper KiB
    }
}

void parse_multiboot2(u64 info, arch::BootInfo& out, Ranges& ranges, u64& info_end)
{
    u32 total_size = load<u32>(info);
    info_end = info + total_size;
    u64 basic_upper_kib = 0;
    bool have_map = false;
    for (u64 tag = info + 8; tag + 8 <= info_end;) {
        u32 type = load<u32>(tag);
        u32 size = load<u32>(tag + 4);
        if (type == 0 || size < 8)
            break;
        switch (type) {
        case 1: // command line
            copy_string(s_command_line, sizeof s_command_line, tag + 8);
            break;
        case 3: // module
            add_module(out, load<u32>(tag + 8), load<u32>(tag + 12), tag + 16);
            break;
        case 4: // basic memory information
            basic_upper_kib = load<u32>(tag + 12);
            break;
        case 6: { // memory map
            u32 entry_size = load<u32>(tag + 8);
            if (entry_size < 24)
                break;
            have_map = true;
            for (u64 entry = tag + 16; entry + entry_size <= tag + size; entry += entry_size)
                if (load<u32>(entry + 16) == 1)
                    ranges.add(load<u64>(entry), load<u64>(entry + 8));
            break;
        }
        default:
            break;
        }
        tag += (size + 7ull) & ~7ull;
    }
    if (!have_map && basic_upper_kib)
        ranges.add(low_memory_end, basic_upper_kib * 1024);
}

} // namespace

namespace arch {

void parse_boot_info(u32 magic, u64 info_address, BootInfo& out)
{
    out.range_count = 0;
    out.module_count = 0;
    out.multiboot_version = 0;
    s_command_line[0] = 0;
    out.command_line = s_command_line;
    out.kernel_start = reinterpret_cast<u64>(__kernel_physical_start);
    out.kernel_end = reinterpret_cast<u64>(__kernel_end) - kernel_virtual_base;

    Ranges ranges;
    u64 info_end = info_address;
    bool valid_address = info_address >= 0x1000 && info_address + 8 <= identity_map_end;
    if (magic == multiboot1_loader_magic && valid_address) {
        out.multiboot_version = 1;
        parse_multiboot1(info_address, out, ranges, info_end);
    } else if (magic == multiboot2_loader_magic && valid_address) {
        out.multiboot_version = 2;
        parse_multiboot2(info_address, out, ranges, info_end);
    }

    ranges.sort_and_merge();
    ranges.cut(out.kernel_start, out.kernel_end);
    ranges.cut(info_address, info_end);
    for (usize i = 0; i < out.module_count; ++i)
        ranges.cut(out.modules[i].start, out.modules[i].end);
    for (usize i = 0; i < ranges.count; ++i)
        out.ranges[i] = ranges.items[i];
    out.range_count = ranges.count;
}

} // namespace arch
