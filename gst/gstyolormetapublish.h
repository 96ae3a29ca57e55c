/* yolormetapublish — sends each frame's JSON message to a file or an MQTT
 * broker.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef GST_YOLOR_METAPUBLISH_H
#define GST_YOLOR_METAPUBLISH_H

#include <gst/base/gstbasetransform.h>
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_YOLOR_METAPUBLISH (gst_yolor_metapublish_get_type ())
G_DECLARE_FINAL_TYPE (GstYolorMetapublish, gst_yolor_metapublish, GST,
    YOLOR_METAPUBLISH, GstBaseTransform)

/* The method property; the values are gvametapublish's. */
typedef enum
{
  GST_YOLOR_PUBLISH_FILE = 1,
  GST_YOLOR_PUBLISH_MQTT = 2,
} GstYolorPublishMethod;

/* The file-format property; the values are gvametapublish's. */
typedef enum
{
  GST_YOLOR_PUBLISH_JSON = 1,
  GST_YOLOR_PUBLISH_JSON_LINES = 2,
} GstYolorPublishFileFormat;

GST_ELEMENT_REGISTER_DECLARE (yolormetapublish);

G_END_DECLS

#endif /* GST_YOLOR_METAPUBLISH_H */
