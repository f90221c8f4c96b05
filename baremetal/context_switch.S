/* hal/context.h on bare metal: switch between kernel-mode contexts.
 *
 *   void baremetal_context_switch(u64* save_rsp, u64 load_rsp)
 *
 * Pushes the callee-saved registers (System V: rbx, rbp, r12-r15) on the current stack,
 * stores rsp through save_rsp, loads load_rsp and pops the other context's registers.
 * Everything else is caller-saved, so a switch inside a function call loses nothing; an
 * interrupted context's full state was already pushed by the interrupt stub.
 *
 * A new context's stack is prepared (hal_context.cpp) so that the first switch "returns"
 * into baremetal_context_start with the entry in r12 and its argument in r13.
 */
    .text
    .globl baremetal_context_switch
    .type baremetal_context_switch, @function
baremetal_context_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size baremetal_context_switch, . - baremetal_context_switch

    .globl baremetal_context_start
    .type baremetal_context_start, @function
baremetal_context_start:
    xorl %ebp, %ebp          /* end of the frame-pointer chain for backtraces */
    movq %r13, %rdi
    callq *%r12              /* entry(argument): never returns */
    ud2
    .size baremetal_context_start, . - baremetal_context_start

    .section .note.GNU-stack,"",@progbits
