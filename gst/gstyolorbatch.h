/* gst-yolor: frames of the yolordetect elements of one model instance,
 * gathered into batches (plugin-internal).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_BATCH_H
#define GST_YOLOR_BATCH_H

#include <glib.h>
#include <yolor/yolor.h>

G_BEGIN_DECLS

/* Runs @item (borrowed; its net must be one stream's own) in a batch with
 * the frames other threads submit for instance @id (borrowed) at the same
 * network input size, and returns when it has run. A batch runs as soon as
 * it holds @batch_size frames (at most YOLOR_MAX_BATCH), or when its oldest
 * frame has waited @timeout_us: the thread whose frame completes the batch
 * or runs out of time runs it (on its own net's threads) for everyone in
 * it, so a slow stream never holds the others longer than that. Several
 * batches of one instance may run at once. Afterwards @item's status,
 * error and n_out, and its net's detections and embeddings, are as after
 * yolor_net_detect_batch (); *@batched_out (nullable) is the number of
 * frames the batch held. Returns: @item->status. Thread-safe. */
yolor_status gst_yolor_batch_detect (const gchar *id, yolor_batch_item *item,
    guint batch_size, guint64 timeout_us, guint *batched_out);

G_END_DECLS
#endif /* GST_YOLOR_BATCH_H */
