/* yolormetaconvert — the results of each frame as JSON (DL Streamer's
 * gvametaconvert schema).
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_METACONVERT_H
#define GST_YOLOR_METACONVERT_H

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_YOLOR_METACONVERT (gst_yolor_metaconvert_get_type ())
G_DECLARE_FINAL_TYPE (GstYolorMetaconvert, gst_yolor_metaconvert, GST,
    YOLOR_METACONVERT, GstBaseTransform)

/* The format property, as gvametaconvert has it. */
typedef enum
{
  GST_YOLOR_METACONVERT_JSON = 0,
  GST_YOLOR_METACONVERT_DUMP_DETECTION = 1,
} GstYolorMetaconvertFormat;

GST_ELEMENT_REGISTER_DECLARE (yolormetaconvert);

G_END_DECLS

#endif /* GST_YOLOR_METACONVERT_H */
