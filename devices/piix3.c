/*
 * piix3.c - Intel 82371SB PIIX3 functions 0 (PCI-to-ISA bridge, 8086:7000)
 * and 1 (IDE, 8086:7010), plus the 82371AB PIIX4 function 3 (power
 * management, 8086:7113) that SeaBIOS and Linux use on i440FX boards.
 *
 * Sources: Intel 82371FB/82371SB PIIX/PIIX3 datasheet, 2.2 (function 0
 * configuration: IORT 4Ch, XBCS 4Eh, PIRQRC[A:D] 60h-63h (bit 7 disables the
 * route, bits 3:0 pick IRQ 3-7, 9-12, 14 or 15), TOM 69h, MSTAT 6Ah, MBIRQ
 * 70h-71h, MBDMA 76h-77h, PCSC 78h, APICBASE 80h, DLC 82h, SMI registers
 * A0h-AFh) and 2.3 (function 1: IDETIM 40h-43h, SIDETIM 44h, BMIBA at 20h;
 * bus-master registers BMICOM, BMISTA, BMIDTP); Intel 82371AB PIIX4
 * datasheet, 3.4 and 7 (function 3: PMBA 40h with bit 0 hard-wired to 1,
 * PMREGMISC 80h bit 0 PMIOSE, SMBBA 90h, SMBHSTCFG D2h; the PM I/O space:
 * PMSTS/PMEN/PMCNTRL/PMTMR at +00h/+02h/+04h/+08h, the 24-bit 3.579545 MHz
 * PM timer with TMROF_STS set each time its bit 23 changes, SUS_TYP 000 =
 * soft off); ACPI 1.0b 4.7.3 (SCI: level, active high, here on IRQ 9).
 *
 * PCI interrupts: each PIRQ input is ORed into the ISA IRQ its PIRQRC
 * selects; SCI is ORed into IRQ 9.  The PIC input levels are derived in one
 * place (piix3_update_irq) and driven only when they change, so an ISA device
 * on the same IRQ keeps its own level otherwise.
 *
 * No SMM exists: DEVACTB bit 25 (APMC_EN) reads 1 from reset, which firmware
 * (SeaBIOS src/fw/smm.c) takes as "SMM already initialised", and the APM
 * command port 0xB2 does what a BIOS SMI handler does for ACPI: 0xF1 sets
 * SCI_EN, 0xF0 clears it (the values SeaBIOS's FADT advertises).
 *
 * IDE: the two channels (devices/ide.c) sit at the legacy ports 0x1F0-0x1F7 /
 * 0x3F6 on IRQ 14 and 0x170-0x177 / 0x376 on IRQ 15 (compatibility mode, the
 * only one the PIIX3 has); BAR4 (BMIBA) decodes their bus-master registers,
 * primary at +0, secondary at +8.  The legacy ports are always decoded, as
 * QEMU does: IDETIM's decode-enable bits are stored only.
 *
 * Not emulated: IDE timing registers' effects, the ISA DMA/ SMI / APIC
 * chip-select options (stored), USB (function 2, absent), SMBus host
 * controller I/O (SMBBA stored, nothing decoded), global/device power
 * management events, GPIO, throttling (PCNTRL, P_LVL reads), sleep states
 * other than soft off (logged), the PM timer's own SMI.
 */
#include "devices/piix3.h"

#include <stdlib.h>
#include <string.h>

#include "devices/ide.h"
#include "devices/pci.h"
#include "mem/bus.h"
#include "mem/log.h"
#include "mem/sched.h"

#define PM_IO_LEN 64
#define PM_STS_MASK 0x8D31 /* PMSTS write-1-to-clear bits */
#define PM_EN_MASK 0x0521  /* PMEN: TMROF_EN, GBL_EN, PWRBTN_EN, RTC_EN */
#define PM_CNT_MASK 0x1C03 /* PMCNTRL stored bits: SCI_EN, BRLD_EN_BM, SUS_TYP */
#define BM_LEN 16

struct piix3 {
    struct pci_func isa;            /* function 0: PCI-to-ISA bridge */
    struct pci_func ide;            /* function 1: IDE */
    struct pci_func pm;             /* function 3: power management (PIIX4) */
    struct bus *bus;                /* I/O space */
    struct sched *sched;            /* virtual clock (PM timer) */
    struct pci_bus *pb;             /* where the functions are registered */
    struct irq_line isa_irq[16];    /* PIC inputs */
    void (*poweroff)(void *opaque); /* board's soft-off hook */
    void *opaque;                   /* its argument */
    struct region *apm_port;        /* 0xB2-0xB3 */
    struct region *qemu_acpi[3];    /* GPE0 block, PCI hotplug, CPU hotplug (QEMU's ports) */
    uint16_t gpe_en;                /* GPE0_EN (no GPE source exists, so GPE0_STS is 0) */
    uint8_t pci_hp_bnum;            /* PCI hotplug bus selector (BNUM), stored */
    struct region *pm_io;           /* PM I/O space (PMBA), NULL while not decoded */
    struct region *bm_io;           /* IDE bus-master registers (BMIBA), NULL while not decoded */
    uint8_t pirq_level[4];          /* PIRQA-D input levels (0/1) */
    uint8_t driven[16];             /* level last driven on each ISA IRQ (0/1) */
    uint8_t apm_cnt;                /* APMC (0xB2) last written */
    uint8_t apm_sts;                /* APMS (0xB3) scratch */
    struct ide_channel *chan[2]; /* primary and secondary IDE channel (own bus-master registers) */
    uint16_t pmsts;              /* PMSTS (status, write-1-to-clear) */
    uint16_t pmen;               /* PMEN (enables) */
    uint16_t pmcntrl;            /* PMCNTRL (SCI_EN, SUS_TYP; SUS_EN reads 0) */
    uint8_t pm_regs[PM_IO_LEN];  /* the other PM I/O registers (0x0C-0x3F), stored */
    uint64_t tmr_epoch;          /* PM timer tick count at the last sync, >> 23 */
    struct timer tmr_timer;      /* fires at the next bit-23 change while TMROF_EN */
};

/* --- interrupts ------------------------------------------------------------ */

int piix3_route(const struct piix3 *s, int pirq)
{
    if (pirq < 0 || pirq > 3) return -1;
    uint8_t r = s->isa.config[PIIX3_PIRQRC + pirq];
    if (r & PIIX3_PIRQ_DISABLE) return -1;
    r &= 0x0F;
    if (r < 3 || r == 8 || r == 13) return -1; /* reserved encodings */
    return r;
}

static bool pm_sci(const struct piix3 *s)
{
    return (s->pmcntrl & PM_SCI_EN) && (s->pmsts & s->pmen & PM_EN_MASK);
}

static void piix3_update_irq(struct piix3 *s)
{
    uint8_t level[16] = {0};
    for (int p = 0; p < 4; p++) {
        int irq = piix3_route(s, p);
        if (irq >= 0 && s->pirq_level[p]) level[irq] = 1;
    }
    if (pm_sci(s)) level[PIIX_PM_SCI_IRQ] = 1;
    for (int i = 0; i < 16; i++) {
        if (level[i] != s->driven[i]) {
            s->driven[i] = level[i];
            irq_set(&s->isa_irq[i], level[i]);
        }
    }
}

static void piix3_pirq_set(void *opaque, int n, int level)
{
    struct piix3 *s = opaque;
    if (n < 0 || n > 3) return;
    s->pirq_level[n] = level != 0;
    piix3_update_irq(s);
}

struct irq_line piix3_pirq(struct piix3 *s, int pirq)
{
    return (struct irq_line){piix3_pirq_set, s, pirq};
}

/* --- PM timer -------------------------------------------------------------- */

static uint64_t pm_ticks(const struct piix3 *s)
{
    return (uint64_t)((unsigned __int128)sched_now(s->sched) * PIIX_PM_TIMER_HZ / 1000000000u);
}

/* Bring TMROF_STS up to date with the clock. */
static void pm_sync(struct piix3 *s)
{
    uint64_t epoch = pm_ticks(s) >> 23;
    if (epoch != s->tmr_epoch) {
        s->tmr_epoch = epoch;
        s->pmsts |= PM_TMROF;
    }
}

static void pm_arm(struct piix3 *s)
{
    if (!(s->pmen & PM_TMROF)) {
        timer_del(&s->tmr_timer);
        return;
    }
    unsigned __int128 tick = (unsigned __int128)(s->tmr_epoch + 1) << 23;
    uint64_t ns = (uint64_t)((tick * 1000000000u + PIIX_PM_TIMER_HZ - 1) / PIIX_PM_TIMER_HZ);
    timer_mod(&s->tmr_timer, ns);
}

static void pm_timer_fire(void *opaque)
{
    struct piix3 *s = opaque;
    pm_sync(s);
    pm_arm(s);
    piix3_update_irq(s);
}

/* --- PM I/O space ---------------------------------------------------------- */

static uint8_t pm_read_byte(struct piix3 *s, unsigned off)
{
    switch (off) {
    case PM_PMSTS: return (uint8_t)s->pmsts;
    case PM_PMSTS + 1: return (uint8_t)(s->pmsts >> 8);
    case PM_PMEN: return (uint8_t)s->pmen;
    case PM_PMEN + 1: return (uint8_t)(s->pmen >> 8);
    case PM_PMCNTRL: return (uint8_t)s->pmcntrl;
    case PM_PMCNTRL + 1: return (uint8_t)(s->pmcntrl >> 8);
    case PM_PMCNTRL + 2:
    case PM_PMCNTRL + 3: return 0;
    case PM_PMTMR:
    case PM_PMTMR + 1:
    case PM_PMTMR + 2: return (uint8_t)((pm_ticks(s) & 0xFFFFFF) >> (8 * (off - PM_PMTMR)));
    case PM_PMTMR + 3: return 0;
    default: return s->pm_regs[off];
    }
}

static uint32_t pm_io_read(void *opaque, uint32_t off, unsigned size)
{
    struct piix3 *s = opaque;
    pm_sync(s);
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < PM_IO_LEN; i++)
        v |= (uint32_t)pm_read_byte(s, off + i) << (8 * i);
    piix3_update_irq(s); /* a sync may have set TMROF_STS */
    return v;
}

static void pm_io_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct piix3 *s = opaque;
    pm_sync(s);
    bool sleep = false;
    for (unsigned i = 0; i < size && off + i < PM_IO_LEN; i++) {
        unsigned o = off + i;
        uint16_t b = (uint8_t)(value >> (8 * i));
        unsigned sh = (o & 1) * 8;
        switch (o & ~1u) {
        case PM_PMSTS: s->pmsts &= (uint16_t) ~((b << sh) & PM_STS_MASK); break;
        case PM_PMEN:
            s->pmen = (uint16_t)((s->pmen & ~(0xFF << sh)) | ((b << sh) & PM_EN_MASK));
            break;
        case PM_PMCNTRL:
            s->pmcntrl = (uint16_t)((s->pmcntrl & ~(0xFF << sh)) | ((b << sh) & PM_CNT_MASK));
            if ((b << sh) & PM_SUS_EN) sleep = true;
            break;
        case PM_PMCNTRL + 2:
        case PM_PMTMR:
        case PM_PMTMR + 2: break; /* reserved / read-only */
        default: s->pm_regs[o] = (uint8_t)b; break;
        }
    }
    pm_arm(s);
    piix3_update_irq(s);
    if (sleep) {
        unsigned typ = (s->pmcntrl >> PM_SUS_TYP_SHIFT) & 7;
        if (typ == 0) {
            LOG(LOG_PM, "piix4-pm: soft off");
            if (s->poweroff) s->poweroff(s->opaque);
        } else {
            LOG_UNIMPL_ONCE("piix4-pm: suspend types other than soft off");
        }
    }
}

static const struct io_ops pm_io_ops = {pm_io_read, pm_io_write, 1, 4, "piix4-pm"};

/* --- APM control port (0xB2/0xB3) ------------------------------------------ */

static uint32_t apm_read(void *opaque, uint32_t off, unsigned size)
{
    struct piix3 *s = opaque;
    return off == 0 ? s->apm_cnt : s->apm_sts;
}

static void apm_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct piix3 *s = opaque;
    if (off == 1) {
        s->apm_sts = (uint8_t)value;
        return;
    }
    s->apm_cnt = (uint8_t)value;
    if (value == PIIX_APM_ACPI_ENABLE)
        s->pmcntrl |= PM_SCI_EN;
    else if (value == PIIX_APM_ACPI_DISABLE)
        s->pmcntrl &= (uint16_t)~PM_SCI_EN;
    else
        LOG_UNIMPL_ONCE("piix: APM command other than ACPI enable/disable (no SMM)");
    piix3_update_irq(s);
}

static const struct io_ops apm_ops = {apm_read, apm_write, 1, 1, "apm"};

/* --- QEMU's ACPI hotplug registers ------------------------------------------
 * SeaBIOS's DSDT (QEMU's) declares GPE0_BLK at 0xAFE0, PCI hotplug status at
 * 0xAE00 (PCIU up, PCID down, B0EJ eject, PCIRMV removable, BNUM) and the CPU
 * presence bitmap at 0xAF00.  Unmapped, they read all ones, which the GPE
 * handler takes as "every slot was unplugged" and ejects the PIIX3's
 * functions (the IDE disks vanish from Linux).  Nothing here is hot-pluggable:
 * no GPE is ever raised, up/down/removable read 0, and only CPU 0 exists. */
#define QEMU_GPE0_BLK 0xAFE0
#define QEMU_PCI_HP 0xAE00
#define QEMU_PCI_HP_LEN 0x14
#define QEMU_CPU_HP 0xAF00
#define QEMU_CPU_HP_LEN 32

static uint32_t gpe_read(void *opaque, uint32_t off, unsigned size)
{
    struct piix3 *s = opaque;
    return off == 2 ? (uint8_t)s->gpe_en : off == 3 ? (uint8_t)(s->gpe_en >> 8) : 0;
}

static void gpe_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct piix3 *s = opaque;
    if (off == 2) s->gpe_en = (uint16_t)((s->gpe_en & 0xFF00) | (value & 0xFF));
    if (off == 3) s->gpe_en = (uint16_t)((s->gpe_en & 0x00FF) | (value & 0xFF) << 8);
}

static const struct io_ops gpe_ops = {gpe_read, gpe_write, 1, 1, "acpi-gpe0"};

static uint32_t pci_hp_read(void *opaque, uint32_t off, unsigned size)
{
    struct piix3 *s = opaque;
    return off == 0x10 ? s->pci_hp_bnum : 0;
}

static void pci_hp_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct piix3 *s = opaque;
    if (off == 0x10)
        s->pci_hp_bnum = (uint8_t)value;
    else if (off >= 8 && off < 12 && value)
        LOG(LOG_PM, "acpi: eject request for PCI slots 0x%x ignored", value);
}

static const struct io_ops pci_hp_ops = {pci_hp_read, pci_hp_write, 1, 1, "acpi-pci-hotplug"};

static uint32_t cpu_hp_read(void *opaque, uint32_t off, unsigned size)
{
    return off == 0 ? 0x01 : 0; /* CPU 0 present */
}

static const struct io_ops cpu_hp_ops = {cpu_hp_read, NULL, 1, 1, "acpi-cpu-hotplug"};

/* --- IDE bus-master registers ---------------------------------------------- */

/* Byte by byte, so an access that straddles the two channels' halves works. */
static uint32_t bm_read(void *opaque, uint32_t off, unsigned size)
{
    struct piix3 *s = opaque;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < BM_LEN; i++) {
        unsigned o = off + i;
        v |= ide_bm_read(s->chan[o / IDE_BM_LEN], o % IDE_BM_LEN, 1) << (8 * i);
    }
    return v;
}

static void bm_write(void *opaque, uint32_t off, uint32_t value, unsigned size)
{
    struct piix3 *s = opaque;
    for (unsigned i = 0; i < size && off + i < BM_LEN; i++) {
        unsigned o = off + i;
        ide_bm_write(s->chan[o / IDE_BM_LEN], o % IDE_BM_LEN, (uint8_t)(value >> (8 * i)), 1);
    }
}

struct ide_channel *piix3_ide(struct piix3 *s, int n)
{
    return n == 0 || n == 1 ? s->chan[n] : NULL;
}

static const struct io_ops bm_ops = {bm_read, bm_write, 1, 4, "piix-ide-bm"};

static void ide_bar_map(struct pci_func *f, int n, uint32_t addr)
{
    struct piix3 *s = f->opaque;
    if (n != 4) return;
    bus_unmap(s->bus, s->bm_io);
    s->bm_io = NULL;
    if (addr != PCI_BAR_UNMAPPED) {
        s->bm_io = bus_map_ports(s->bus, (uint16_t)addr, BM_LEN, &bm_ops, s);
        if (!s->bm_io) LOG(LOG_GUEST_ERRORS, "piix-ide: BMIBA 0x%x overlaps other ports", addr);
    }
}

/* --- configuration --------------------------------------------------------- */

static void pm_update_io(struct piix3 *s)
{
    uint32_t base = pci_get(&s->pm, PIIX_PM_PMBA, 4) & 0xFFC0;
    bool on = (s->pm.config[PIIX_PM_PMREGMISC] & 1) && base;
    if (s->pm_io && (!on || bus_region_base(s->pm_io) != base)) {
        bus_unmap(s->bus, s->pm_io);
        s->pm_io = NULL;
    }
    if (on && !s->pm_io) {
        s->pm_io = bus_map_ports(s->bus, (uint16_t)base, PM_IO_LEN, &pm_io_ops, s);
        if (!s->pm_io)
            LOG(LOG_GUEST_ERRORS, "piix4-pm: PMBA 0x%x overlaps other ports", base);
        else
            LOG(LOG_PM, "piix4-pm: PM I/O at 0x%x", base);
    }
}

static void pm_config_write(struct pci_func *f, unsigned off, uint32_t old, uint32_t val,
                            unsigned size)
{
    struct piix3 *s = f->opaque;
    if ((off < PIIX_PM_PMBA + 4 && off + size > PIIX_PM_PMBA) ||
        (off <= PIIX_PM_PMREGMISC && off + size > PIIX_PM_PMREGMISC))
        pm_update_io(s);
}

static void isa_config_write(struct pci_func *f, unsigned off, uint32_t old, uint32_t val,
                             unsigned size)
{
    struct piix3 *s = f->opaque;
    if (off < PIIX3_PIRQRC + 4 && off + size > PIIX3_PIRQRC) piix3_update_irq(s);
}

static void fill_mask(uint8_t *m, unsigned from, unsigned to, uint8_t v)
{
    for (unsigned i = from; i <= to; i++)
        m[i] = v;
}

static void piix3_regs_reset(struct piix3 *s)
{
    struct pci_func *f = &s->isa;
    pci_func_init(f, 0x8086, 0x7000, 0x00, 0x060100, PCI_HEADER_MULTI);
    pci_set(f, PCI_COMMAND, 0x0007, 2);
    pci_set(f, PCI_STATUS, 0x0200, 2);
    f->wmask[PCI_COMMAND] = 0x08; /* special cycle enable; I/O, memory, master fixed on */
    f->wmask[PCI_COMMAND + 1] = 0;
    f->wmask[PCI_CACHE_LINE] = f->wmask[PCI_LATENCY] = f->wmask[PCI_INTERRUPT_LINE] = 0;
    f->config[0x4C] = 0x4D; /* IORT */
    f->wmask[0x4C] = 0xFF;
    pci_set(f, 0x4E, 0x0003, 2); /* XBCS */
    fill_mask(f->wmask, 0x4E, 0x4F, 0xFF);
    for (unsigned i = 0; i < 4; i++) {
        f->config[PIIX3_PIRQRC + i] = PIIX3_PIRQ_DISABLE;
        f->wmask[PIIX3_PIRQRC + i] = 0x8F;
    }
    f->config[0x69] = 0x02; /* TOM */
    f->wmask[0x69] = 0xFF;
    fill_mask(f->wmask, 0x6A, 0x6B, 0xFF);    /* MSTAT */
    f->config[0x70] = f->config[0x71] = 0x80; /* MBIRQ0-1 */
    fill_mask(f->wmask, 0x70, 0x71, 0xFF);
    pci_set(f, 0x76, 0x0404, 2); /* MBDMA0-1 */
    fill_mask(f->wmask, 0x76, 0x77, 0xFF);
    pci_set(f, 0x78, 0x0002, 2); /* PCSC */
    fill_mask(f->wmask, 0x78, 0x79, 0xFF);
    f->wmask[0x80] = 0xFF;                 /* APICBASE */
    f->wmask[0x82] = 0x0F;                 /* DLC: deterministic latency */
    f->config[0xA0] = 0x08;                /* SMICNTL */
    fill_mask(f->wmask, 0xA0, 0xAF, 0xFF); /* SMI registers */
    f->config[0xA8] = 0x0F;                /* FTMR */

    f = &s->ide;
    pci_func_init(f, 0x8086, 0x7010, 0x00, 0x010180, 0x00);
    pci_set(f, PCI_STATUS, 0x0280, 2);
    f->wmask[PCI_COMMAND] = 0x05; /* I/O space, bus master */
    f->wmask[PCI_COMMAND + 1] = 0;
    f->wmask[PCI_CACHE_LINE] = f->wmask[PCI_INTERRUPT_LINE] = 0;
    f->wmask[PCI_LATENCY] = 0xF0;
    pci_func_set_bar(f, 4, BM_LEN, true);
    fill_mask(f->wmask, 0x40, 0x44, 0xFF); /* IDETIM primary/secondary, SIDETIM */

    f = &s->pm;
    pci_func_init(f, 0x8086, 0x7113, 0x03, 0x068000, 0x00);
    pci_set(f, PCI_STATUS, 0x0280, 2);
    f->wmask[PCI_COMMAND] = 0x01; /* I/O space (for the SMBus) */
    f->wmask[PCI_COMMAND + 1] = 0;
    f->wmask[PCI_CACHE_LINE] = f->wmask[PCI_LATENCY] = 0;
    f->config[PCI_INTERRUPT_PIN] = 0x01;
    pci_set(f, PIIX_PM_PMBA, 0x00000001, 4); /* bit 0: I/O space indicator */
    f->wmask[PIIX_PM_PMBA] = 0xC0;
    f->wmask[PIIX_PM_PMBA + 1] = 0xFF;
    fill_mask(f->wmask, 0x44, 0x7F, 0xFF); /* CNTA, CNTB, GPICTL, DEVRESx, DEVACTx */
    f->config[0x5B] = 0x02;                /* DEVACTB APMC_EN: SMM "already initialised" (no SMM) */
    f->wmask[PIIX_PM_PMREGMISC] = 0x01;
    pci_set(f, PIIX_PM_SMBBA, 0x00000001, 4);
    f->wmask[PIIX_PM_SMBBA] = 0xF0;
    f->wmask[PIIX_PM_SMBBA + 1] = 0xFF;
    fill_mask(f->wmask, 0xD2, 0xD7, 0xFF); /* SMBHSTCFG, SMBSLVC, shadow ports, SMBREV */
}

static void piix3_reset(void *opaque)
{
    struct piix3 *s = opaque;
    piix3_regs_reset(s);
    pci_func_update_bars(&s->ide);
    pm_update_io(s);
    for (int i = 0; i < 2; i++)
        ide_channel_desc.reset(s->chan[i]);
    s->pmsts = s->pmen = s->pmcntrl = 0;
    memset(s->pm_regs, 0, sizeof(s->pm_regs));
    s->apm_cnt = s->apm_sts = 0;
    s->gpe_en = 0;
    s->pci_hp_bnum = 0;
    s->tmr_epoch = pm_ticks(s) >> 23;
    pm_arm(s);
    piix3_update_irq(s);
}

static void piix3_destroy(void *opaque)
{
    struct piix3 *s = opaque;
    if (!s) return;
    timer_del(&s->tmr_timer);
    pci_unregister(s->pb, &s->isa);
    pci_unregister(s->pb, &s->ide);
    pci_unregister(s->pb, &s->pm);
    bus_unmap(s->bus, s->apm_port);
    for (int i = 0; i < 3; i++)
        bus_unmap(s->bus, s->qemu_acpi[i]);
    bus_unmap(s->bus, s->pm_io);
    bus_unmap(s->bus, s->bm_io);
    for (int i = 0; i < 2; i++)
        if (s->chan[i]) ide_channel_desc.destroy(s->chan[i]);
    free(s);
}

struct piix3 *piix3_create(struct bus *bus, struct sched *sched, struct pci_bus *pb, unsigned dev,
                           const struct irq_line isa_irq[16], void (*poweroff)(void *opaque),
                           void *opaque)
{
    struct piix3 *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    s->bus = bus;
    s->sched = sched;
    s->pb = pb;
    memcpy(s->isa_irq, isa_irq, sizeof(s->isa_irq));
    s->poweroff = poweroff;
    s->opaque = opaque;
    s->isa.opaque = s->ide.opaque = s->pm.opaque = s;
    s->isa.config_write = isa_config_write;
    s->ide.bar_map = ide_bar_map;
    s->pm.config_write = pm_config_write;
    timer_init(&s->tmr_timer, sched, pm_timer_fire, s, "piix4-pm-tmr");
    piix3_regs_reset(s);
    s->tmr_epoch = pm_ticks(s) >> 23;
    s->apm_port = bus_map_ports(bus, PIIX_APM_CNT, 2, &apm_ops, s);
    s->qemu_acpi[0] = bus_map_ports(bus, QEMU_GPE0_BLK, 4, &gpe_ops, s);
    s->qemu_acpi[1] = bus_map_ports(bus, QEMU_PCI_HP, QEMU_PCI_HP_LEN, &pci_hp_ops, s);
    s->qemu_acpi[2] = bus_map_ports(bus, QEMU_CPU_HP, QEMU_CPU_HP_LEN, &cpu_hp_ops, s);
    s->chan[0] =
        ide_channel_create(bus, sched, IDE_PRIMARY_CMD, IDE_PRIMARY_CTL, isa_irq[IDE_PRIMARY_IRQ]);
    s->chan[1] = ide_channel_create(bus, sched, IDE_SECONDARY_CMD, IDE_SECONDARY_CTL,
                                    isa_irq[IDE_SECONDARY_IRQ]);
    if (!s->apm_port || !s->qemu_acpi[0] || !s->qemu_acpi[1] || !s->qemu_acpi[2] || !s->chan[0] ||
        !s->chan[1] || pci_register(pb, &s->isa, dev, 0) || pci_register(pb, &s->ide, dev, 1) ||
        pci_register(pb, &s->pm, dev, 3)) {
        piix3_destroy(s);
        return NULL;
    }
    return s;
}

static void piix3_info(void *opaque, FILE *out)
{
    struct piix3 *s = opaque;
    fprintf(out,
            "piix3: PIRQ routes %d %d %d %d levels %u%u%u%u; pm io 0x%x PMSTS=%04x PMEN=%04x "
            "PMCNTRL=%04x SCI=%d\n",
            piix3_route(s, 0), piix3_route(s, 1), piix3_route(s, 2), piix3_route(s, 3),
            s->pirq_level[0], s->pirq_level[1], s->pirq_level[2], s->pirq_level[3],
            s->pm_io ? bus_region_base(s->pm_io) : 0, s->pmsts, s->pmen, s->pmcntrl, pm_sci(s));
}

const struct device_desc piix3_desc = {
    .name = "piix3",
    .reset = piix3_reset,
    .destroy = piix3_destroy,
    .info = piix3_info,
};
