#ifndef CLIBQRENCODE_SHIM_H
#define CLIBQRENCODE_SHIM_H
#include <qrencode.h>
#endif
