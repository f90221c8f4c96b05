#include "request_handler.h"

namespace memfs {

template class BasicRequestHandler<Memfs>;

} // namespace memfs
