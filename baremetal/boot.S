/* boot.S: the kernel's entry from a Multiboot 1 or Multiboot 2 loader.
 *
 * Loaders:
 *   - QEMU `-kernel`: Multiboot 1, which QEMU only accepts as an ELF32 file. The build
 *     produces kernel32.elf (`objcopy -O elf32-i386 --strip-all kernel.elf`); its program
 *     headers keep the physical load addresses (p_paddr), which is what QEMU loads by.
 *   - GRUB (the ISO): Multiboot 2 (`multiboot2 /boot/kernel.elf`), loading the ELF64 directly.
 * Both headers are at the start of the first loadable segment (file offset 0x1000), inside
 * the first 8 KiB (Multiboot 1) and 32 KiB (Multiboot 2) of the file.
 *
 * The loader enters _start32 in 32-bit protected mode, paging off, with EAX = magic and
 * EBX = physical address of the information structure. This code:
 *   1. saves magic/info, zeroes .bss, checks that the loader is Multiboot and that the CPU
 *      has long mode (otherwise prints a message on COM1 and VGA and halts);
 *   2. builds page tables with 2 MiB pages: identity map of 0..4 GiB (except the first
 *      4 KiB page, left unmapped so that null-pointer accesses fault), and the kernel
 *      window 0xFFFFFFFF80000000 + (0..2 GiB) -> physical 0..2 GiB (-mcmodel=kernel);
 *   3. enables PAE, SSE (CR0.EM=0, CR0.MP=1, CR4.OSFXSR|OSXMMEXCPT), EFER.LME (+NXE when
 *      the CPU has NX), paging and CR0.WP, loads a temporary GDT, far-jumps to 64-bit code;
 *   4. in 64-bit mode jumps to the higher half, switches to the 64 KiB kernel boot stack
 *      (__boot_stack_bottom..__boot_stack_top, in .bss), and calls
 *      kernel_main(u32 magic, u64 info_address) with RBP = 0 (end of the backtrace).
 *      Interrupts are disabled; kernel_main must not return (if it does: cli; hlt).
 */

#define KERNEL_VMA 0xFFFFFFFF80000000

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00000003 /* bit 0: page-align modules, bit 1: memory information */
#define MB1_LOADER_MAGIC 0x2BADB002

#define MB2_MAGIC 0xE85250D6
#define MB2_ARCH_I386 0
#define MB2_LOADER_MAGIC 0x36D76289

#define COM1 0x3F8

/* ------------------------------------------------------------------------------------ */
    .section .multiboot1, "a"
    .align 4
multiboot1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)

    .section .multiboot2, "a"
    .align 8
multiboot2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long multiboot2_header_end - multiboot2_header
    .long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (multiboot2_header_end - multiboot2_header))
    /* Information request: memory map (6), command line (1), modules (3) are what we use;
       GRUB provides them anyway. End tag: */
    .align 8
    .short 0
    .short 0
    .long 8
multiboot2_header_end:

/* ------------------------------------------------------------------------------------ */
    .section .boot.data, "aw"
    .align 4
    .globl boot_multiboot_magic
boot_multiboot_magic:
    .long 0
    .globl boot_multiboot_info
boot_multiboot_info:
    .long 0
boot_has_nx:
    .long 0

    .align 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF /* 0x08: 64-bit code, ring 0 */
    .quad 0x00CF92000000FFFF /* 0x10: data, ring 0 */
boot_gdt_end:
    .align 4
    .short 0
boot_gdt_pointer:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt

message_not_multiboot:
    .asciz "boot: not started by a Multiboot loader (bad magic in EAX); halting"
message_no_cpuid:
    .asciz "boot: this CPU has no CPUID instruction; halting"
message_no_long_mode:
    .asciz "boot: this CPU does not support x86_64 long mode; halting"

/* The boot page tables (physical = virtual, below 2 MiB): they stay in use after boot. */
    .section .boot.bss, "aw", @nobits
    .align 4096
    .globl boot_pml4
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:                  /* 4 page directories: 2048 x 2 MiB = 4 GiB */
    .skip 4096 * 4
boot_pt0:                 /* the first 2 MiB in 4 KiB pages (page 0 not present) */
    .skip 4096
boot_page_tables_end:
boot_stack32:
    .skip 1024
boot_stack32_top:

/* ------------------------------------------------------------------------------------ */
    .section .boot.text, "ax"
    .code32
    .globl _start32
    .type _start32, @function
_start32:
    cli
    cld
    movl $boot_stack32_top, %esp
    movl %eax, boot_multiboot_magic
    movl %ebx, boot_multiboot_info

    /* Zero .bss (the loaders do it too, but nothing depends on that). */
    movl $__bss_start_physical, %edi
    movl $__bss_end_physical, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    /* Multiboot? */
    movl boot_multiboot_magic, %eax
    cmpl $MB1_LOADER_MAGIC, %eax
    je 1f
    cmpl $MB2_LOADER_MAGIC, %eax
    je 1f
    movl $message_not_multiboot, %esi
    jmp boot_fail32
1:
    /* CPUID present? (EFLAGS.ID can be toggled) */
    pushfl
    popl %eax
    movl %eax, %ecx
    xorl $0x00200000, %eax
    pushl %eax
    popfl
    pushfl
    popl %eax
    pushl %ecx
    popfl
    cmpl %eax, %ecx
    jne 2f
    movl $message_no_cpuid, %esi
    jmp boot_fail32
2:
    /* Long mode? */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb 3f
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz 3f
    movl %edx, %eax
    shrl $20, %eax
    andl $1, %eax
    movl %eax, boot_has_nx
    jmp 4f
3:
    movl $message_no_long_mode, %esi
    jmp boot_fail32
4:
    /* Page tables. */
    movl $boot_pml4, %edi
    movl $((boot_page_tables_end - boot_pml4) / 4), %ecx
    xorl %eax, %eax
    rep stosl

    /* PML4[0] -> low PDPT (identity), PML4[511] -> high PDPT (kernel window). */
    movl $boot_pdpt_low + 3, boot_pml4
    movl $boot_pdpt_high + 3, boot_pml4 + 511 * 8
    /* Low PDPT[0..3] -> the 4 page directories. */
    movl $boot_pd + 3, boot_pdpt_low
    movl $boot_pd + 0x1000 + 3, boot_pdpt_low + 8
    movl $boot_pd + 0x2000 + 3, boot_pdpt_low + 16
    movl $boot_pd + 0x3000 + 3, boot_pdpt_low + 24
    /* High PDPT[510] -> physical 0..1 GiB, [511] -> 1..2 GiB. */
    movl $boot_pd + 3, boot_pdpt_high + 510 * 8
    movl $boot_pd + 0x1000 + 3, boot_pdpt_high + 511 * 8
    /* Page directories: 2048 large pages, present | writable | PS. */
    movl $boot_pd, %edi
    movl $0x83, %eax
    movl $2048, %ecx
5:
    movl %eax, (%edi)
    movl $0, 4(%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 5b
    /* The first 2 MiB: a page table, page 0 not present. */
    movl $boot_pt0 + 3, boot_pd
    movl $boot_pt0 + 8, %edi
    movl $0x1003, %eax
    movl $511, %ecx
6:
    movl %eax, (%edi)
    addl $0x1000, %eax
    addl $8, %edi
    loop 6b

    /* CR4: PAE | OSFXSR | OSXMMEXCPT. */
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    /* EFER: LME (+ NXE). */
    movl $0xC0000080, %ecx
    rdmsr
    orl $(1 << 8), %eax
    cmpl $0, boot_has_nx
    je 7f
    orl $(1 << 11), %eax
7:
    wrmsr
    /* CR0: PG | WP | MP | PE, EM cleared; caches on (CD, NW cleared). */
    movl %cr0, %eax
    andl $~((1 << 2) | (1 << 29) | (1 << 30)), %eax
    orl $((1 << 31) | (1 << 16) | (1 << 1) | (1 << 0)), %eax
    movl %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_entry

/* Prints the NUL-terminated message at ESI on COM1 (polled) and in red on the VGA text
   screen, then halts forever. */
boot_fail32:
    movl $0xB8000, %edi
1:
    movb (%esi), %bl
    testb %bl, %bl
    jz 3f
    movw $(COM1 + 5), %dx
2:
    inb %dx, %al
    testb $0x20, %al
    jz 2b
    movw $COM1, %dx
    movb %bl, %al
    outb %al, %dx
    movb %bl, (%edi)
    movb $0x4F, 1(%edi)
    addl $2, %edi
    incl %esi
    jmp 1b
3:
    movw $COM1, %dx
    movb $'\r', %al
    outb %al, %dx
    movb $'\n', %al
    outb %al, %dx
4:
    cli
    hlt
    jmp 4b
    .size _start32, . - _start32

    .code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $higher_half_entry, %rax
    jmpq *%rax

/* ------------------------------------------------------------------------------------ */
    .text
    .type higher_half_entry, @function
higher_half_entry:
    leaq __boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    fninit
    movl boot_multiboot_magic, %edi
    movl boot_multiboot_info, %esi     /* zero-extends into RSI */
    callq kernel_main
1:
    cli
    hlt
    jmp 1b
    .size higher_half_entry, . - higher_half_entry

    .bss
    .align 4096
    .globl __boot_stack_bottom
    .globl __boot_stack_top
__boot_stack_bottom:
    .skip 65536
__boot_stack_top:

    .section .note.GNU-stack, "", @progbits
