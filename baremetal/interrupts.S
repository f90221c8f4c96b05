/* interrupts.S: the 256 IDT entry stubs and the common path to arch::interrupt_dispatch.
 *
 * Each stub pushes an error code of 0 when the CPU pushes none (all vectors except 8, 10-14,
 * 17, 21, 29, 30), then the vector number, and jumps to interrupt_common, which pushes the
 * general registers so that RSP points at an arch::InterruptFrame (r15 first), saves the
 * SSE/x87 state with fxsave in a 16-byte-aligned 512-byte area below the frame (the
 * interrupted code may use SSE; the handler may too), calls interrupt_dispatch(frame) with
 * a 16-byte-aligned stack and DF clear, restores everything and returns with iretq.
 * Changes that the dispatcher makes to the frame take effect on return.
 *
 * Per interrupt the stack needs 176 (frame) + up to 528 (fxsave area) bytes + the handler's.
 */
    .altmacro

    .macro interrupt_stub n
    .align 16
interrupt_stub_\n:
    .if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp interrupt_common
    .endm

    .macro stub_address n
    .quad interrupt_stub_\n
    .endm

    .text
    .globl interrupt_stubs_begin
interrupt_stubs_begin:
    .set vector, 0
    .rept 256
    interrupt_stub %vector
    .set vector, vector + 1
    .endr

    .type interrupt_common, @function
interrupt_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rbx            /* the frame; rbx is callee-saved */
    subq $512, %rsp
    andq $-16, %rsp
    fxsave64 (%rsp)
    cld
    movq %rbx, %rdi
    callq interrupt_dispatch
    fxrstor64 (%rsp)
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp             /* vector, error code */
    iretq
    .size interrupt_common, . - interrupt_common

    .section .rodata
    .align 8
    .globl interrupt_stub_table
interrupt_stub_table:
    .set vector, 0
    .rept 256
    stub_address %vector
    .set vector, vector + 1
    .endr

    .section .note.GNU-stack, "", @progbits
