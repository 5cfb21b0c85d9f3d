// SPDX-License-Identifier: GPL-2.0-or-later
/* records.c - freeing the plain records of records.h, and building fact sets. */
#include <stdlib.h>
#include <string.h>

#include "store/records.h"

void device_clear(struct kd_device *dev)
{
	free(dev->bus);
	free(dev->driver);
	free(dev->name);
	free(dev->vendor_id);
	free(dev->product_id);
	free(dev->modalias);
	free(dev->vendor_name);
	free(dev->model_name);
	memset(dev, 0, sizeof(*dev));
}

void devices_free(struct kd_devices *d)
{
	for (size_t i = 0; i < d->n; i++)
		device_clear(&d->v[i]);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void loaded_module_free(struct loaded_module *m)
{
	free(m->name);
	sl_free(&m->used_by);
	free(m->state);
	free(m->taint);
	free(m->initstate);
	free(m->sys_taint);
	free(m->srcversion);
	free(m->version);
	free(m->build_id);
	sl_free(&m->holders);
	devices_free(&m->devices);
	memset(m, 0, sizeof(*m));
}

void kernel_key_free(struct kernel_key *k)
{
	free(k->id);
	free(k->type);
	free(k->description);
	free(k->subject);
	free(k->key_id);
	memset(k, 0, sizeof(*k));
}

void fact_set_free(struct fact_set *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		kv_free(&fs->v[i]);
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

void fact_set_add(struct fact_set *fs, struct kvlist *l)
{
	fs->v = xreallocarray(fs->v, fs->n + 1, sizeof(*fs->v));
	fs->v[fs->n++] = *l;
	memset(l, 0, sizeof(*l));
}
