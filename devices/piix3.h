/*
 * piix3.h - Intel 82371SB PIIX3 (PCI-to-ISA bridge 00:01.0, IDE 00:01.1)
 * with the 82371AB PIIX4 power-management function at 00:01.3.
 */
#ifndef CINDER_DEVICES_PIIX3_H
#define CINDER_DEVICES_PIIX3_H

#include <stdint.h>

#include "devices/device.h"
#include "mem/irq.h"

struct bus;
struct sched;
struct pci_bus;

#define PIIX3_PIRQRC 0x60 /* PIRQA-D route control, 0x60-0x63 */
#define PIIX3_PIRQ_DISABLE 0x80
#define PIIX_PM_PMBA 0x40      /* PM I/O base (function 3) */
#define PIIX_PM_PMREGMISC 0x80 /* bit 0: PM I/O space enable */
#define PIIX_PM_SMBBA 0x90
#define PIIX_PM_SCI_IRQ 9
#define PIIX_PM_TIMER_HZ 3579545u
#define PIIX_APM_CNT 0xB2 /* APMC: ACPI enable/disable commands */
#define PIIX_APM_ACPI_ENABLE 0xF1
#define PIIX_APM_ACPI_DISABLE 0xF0

/* PM I/O registers (offsets from PMBA). */
#define PM_PMSTS 0x00
#define PM_PMEN 0x02
#define PM_PMCNTRL 0x04
#define PM_PMTMR 0x08
#define PM_TMROF 0x0001  /* PMSTS/PMEN bit 0: timer bit 23 toggled */
#define PM_SCI_EN 0x0001 /* PMCNTRL */
#define PM_SUS_TYP_SHIFT 10
#define PM_SUS_EN 0x2000

struct piix3;
struct ide_channel;
extern const struct device_desc piix3_desc;

/* Functions 0, 1 and 3 at 00:dev.  isa_irq: the 16 PIC inputs (PIRQs and
 * SCI drive them).  poweroff(opaque) runs when the guest enters soft-off
 * (PMCNTRL SUS_TYP 0 with SUS_EN).  Maps ports 0xB2-0xB3 and the two IDE
 * channels' legacy ports.  NULL if out of memory or the slot/ports are taken. */
struct piix3 *piix3_create(struct bus *bus, struct sched *sched, struct pci_bus *pb, unsigned dev,
                           const struct irq_line isa_irq[16], void (*poweroff)(void *opaque),
                           void *opaque);
/* IDE channel n (0 primary at 0x1F0/IRQ 14, 1 secondary at 0x170/IRQ 15),
 * owned by the PIIX3, for attaching drives; NULL for another n. */
struct ide_channel *piix3_ide(struct piix3 *s, int n);
/* ISA IRQ PIRQ pirq (0-3 = A-D) drives, or -1 when disabled or reserved. */
int piix3_route(const struct piix3 *s, int pirq);
/* The wire of PIRQ pirq (0-3), for PCI devices' INTx outputs. */
struct irq_line piix3_pirq(struct piix3 *s, int pirq);
/* Board wiring (the i440FX/PIIX3 reference board, as SeaBIOS assumes):
 * INTx pin (1-4 = A-D) of slot dev goes to PIRQ (dev + pin - 1) & 3. */
static inline int piix3_slot_pirq(unsigned dev, unsigned pin)
{
    return (int)((dev + pin - 1) & 3);
}

#endif
