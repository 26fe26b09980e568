/* pkg/packed.h - an inventory in kensa's own compact text form.
 *
 * The server keeps each resource's latest inventory twice: the document as
 * submitted (CycloneDX, SPDX or kensa JSON: exports give it back) and,
 * beside it, this form of the inventory it was read into, so that a
 * re-evaluation reads the inventory back without parsing the document
 * again (parsing was a fifth of a fleet re-evaluation's CPU time).
 *
 * The form is text (any backend stores it as TEXT): a magic line, then
 * integers as decimal digits ended by ',' and strings as "LEN:BYTES,", "-"
 * for NULL, "^" for the same field of the previous component and "=" for
 * the component's purl. Unpacking copies the text once and ends each
 * string in place; every length and count is checked against the text. */
#ifndef KS_PKG_PACKED_H
#define KS_PKG_PACKED_H

#include "core/buf.h"
#include "model/inventory.h"

/* Appends `inv` packed to `out`. KS_EUNSUPPORTED for an inventory with
 * file ownership tables (read from a filesystem, never from a document:
 * this form leaves them out); KS_ENOMEM, or KS_ELIMIT from `out`. */
ks_err ks_inventory_pack(const struct ks_inventory *inv, struct ks_buf *out);

/* Reads packed `text` (`len` bytes) into `inv`, an empty inventory
 * (ks_inventory_init), as ks_inventory_pack() was given it. KS_EPARSE with
 * `diag` for text that is not this form, another layout of it included
 * (the server then reads the document, with a warning: packed forms are a
 * cache of the documents; a release that changes the layout should drop
 * them in a schema migration, DELETE FROM inventory_packed); KS_ENOMEM. */
ks_err ks_inventory_unpack(struct ks_inventory *inv, const char *text, size_t len,
                           struct ks_diag *diag);

#endif
