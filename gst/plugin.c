/* gst-yolor: the plugin, libgstyolor.so.
 *
 * Copyright (C) 2026 the gst-yolor authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstyolordetect.h"
#include "gstyolormeta.h"
#include "gstyolormetaconvert.h"
#include "gstyolormetapublish.h"
#include "gstyolortrack.h"
#ifdef HAVE_YOLOR_OSD
#include "gstyolorosd.h"
#endif

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ret = FALSE;

  gst_yolor_frame_meta_get_info ();
  gst_yolor_json_meta_get_info ();
  ret |= GST_ELEMENT_REGISTER (yolordetect, plugin);
  ret |= GST_ELEMENT_REGISTER (yolortrack, plugin);
  ret |= GST_ELEMENT_REGISTER (yolormetaconvert, plugin);
  ret |= GST_ELEMENT_REGISTER (yolormetapublish, plugin);
#ifdef HAVE_YOLOR_OSD
  ret |= GST_ELEMENT_REGISTER (yolorosd, plugin);
#endif
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, yolor,
    "YOLOR and darknet-family object detection on the CPU", plugin_init,
    PACKAGE_VERSION, "LGPL", PACKAGE_NAME, PACKAGE_ORIGIN)
