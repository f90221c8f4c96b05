#pragma once
// What the device models delivered through kernel::deliver_irq (main.cpp records it).
#include "../../../kernel_core/ktl/types.h"

#include <vector>

namespace irq_recorder {

const std::vector<u8>& delivered();
void clear();
size_t count(u8 line);

} // namespace irq_recorder
