/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sbat.h - SBAT: shim refuses an image whose .sbat section names a component
 * generation older than the revocation level in the SbatLevelRT variable.
 */
#ifndef KD_SBAT_H
#define KD_SBAT_H

/*
 * Check an image's .sbat text ("component,generation,vendor,...") against a
 * revocation level ("sbat,1,date" then "component,generation" lines). NULL
 * when no component is revoked; else why, e.g. "grub generation 3 is below
 * 4". Caller frees.
 */
char *sbat_revoked(const char *level, const char *image);

#endif
