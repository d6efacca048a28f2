/*
 * post_port.h - the POST code port 0x80.
 */
#ifndef CINDER_DEVICES_POST_PORT_H
#define CINDER_DEVICES_POST_PORT_H

#include <stdint.h>

#include "devices/device.h"

struct bus;

#define POST_PORT_IOBASE 0x80

struct post_port;
extern const struct device_desc post_port_desc;

struct post_port *post_port_create(struct bus *bus);

#endif
