/* SPDX-License-Identifier: GPL-2.0-or-later */
/* services.h - systemd units and SysV init scripts, enabled or not, as service.* facts. */
#ifndef KD_SERVICES_H
#define KD_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/root.h"
#include "core/util.h"
#include "store/records.h"

/* systemd units and SysV init scripts: service.* facts. Returns the number of places read. */
int services_read(const struct kd_root *root, struct fact_set *out, struct strlist *places);
/* The program of an ExecStart= value, without systemd's prefixes ("-@+!:"), or NULL. */
char *services_exec_path(const char *value);

#endif
