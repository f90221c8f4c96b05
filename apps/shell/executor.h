#pragma once
// Running commands: expansion of each simple command, pipelines of child processes,
// redirections, foreground waits and background jobs. The functions are Shell members
// (declared in shell.h); this header only names the child entry points' shared pieces.
#include "shell.h"
