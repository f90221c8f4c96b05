// hal/display.h on bare metal: no framebuffer driver yet, so no screen (the `display`
// scheme is not registered and the system runs with the serial console only).
#include "../kernel_core/hal/display.h"

namespace hal {

DisplayInfo display_info() { return {}; }
void display_present(const redox::DisplayRect*, usize) {}

} // namespace hal
