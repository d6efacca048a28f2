/*
 * pc.c - the board: builds a minimal PC and runs it against the virtual clock.
 *
 * Sources: DESIGN.md §7 (board API), TinyEMU pc_machine_init and QEMU
 * hw/i386/pc.c / x86.c for the layout: RAM at 0-640 KiB and from 1 MiB up,
 * the VGA hole at A0000-BFFFF, upper memory at C0000 up to the BIOS low
 * window, the BIOS at the top of 4 GiB and mirrored below 1 MiB.
 *
 * The run loop follows DESIGN.md's "derive, never tick": ask the scheduler for
 * the next deadline, run the CPU for the instructions that fit before it,
 * advance the clock, run due timers, repeat.  Time is either exact (-icount:
 * one instruction is 2^shift virtual ns, so runs are reproducible) or real
 * (virtual time follows the host's monotonic clock; the instruction budget
 * per slice comes from a running estimate of the host's speed).
 *
 * What the board holds: bus, scheduler, RAM, CPU, BIOS ROM, the AT chipset
 * (8259A pair with ELCR, 8254 PIT and port 0x61, MC146818 RTC/CMOS, 8042 with
 * PS/2 keyboard and mouse, 8237 DMA pair), 16550A UARTs on COM1-COM4,
 * debugcon(s), isa-debug-exit, POST port, port 0x92, and the x87 FERR# path
 * (IRQ 13, cleared by a write to port 0xF0), the i440FX/PIIX3/PIIX4-PM PCI
 * chipset with the IDE channels and their drives (block layer images), fw_cfg,
 * the 82077AA floppy, the std-VGA with Bochs VBE at 00:02.0 (-vga), Multiboot
 * and Linux bzImage direct boot, host keyboard and mouse input.  Not yet: the
 * network card, local APIC/I/O APIC and SMP, save state, -icount auto's
 * adaptive shift (auto is treated as shift 3).
 */
#include "devices/pc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cpu/cpu.h"
#include "cpu/flags.h"
#include "cpu/fpu.h"
#include "cpu/seg.h"
#include "cpu/tlb.h"
#include "cpu/trace.h"
#include "devices/bios_rom.h"
#include "devices/block.h"
#include "devices/chardev.h"
#include "devices/cmos_rtc.h"
#include "devices/dma8237.h"
#include "devices/fdc.h"
#include "devices/fw_cfg.h"
#include "devices/i440fx.h"
#include "devices/ide.h"
#include "devices/pci.h"
#include "devices/piix3.h"
#include "devices/i8042.h"
#include "devices/ps2_kbd.h"
#include "devices/ps2_keymap.h"
#include "devices/ps2_mouse.h"
#include "devices/pic8259.h"
#include "devices/pit8254.h"
#include "devices/port61.h"
#include "devices/uart16550.h"
#include "devices/vga.h"
#include "devices/debug_exit.h"
#include "devices/debugcon.h"
#include "devices/linuxboot.h"
#include "devices/multiboot.h"
#include "devices/port92.h"
#include "devices/post_port.h"
#include "mem/bus.h"
#include "mem/irq.h"
#include "mem/log.h"
#include "mem/ram.h"
#include "mem/sched.h"
#include "mem/stats.h"

#define LOW_RAM_END 0xA0000u
#define UPPER_MEM_START 0xC0000u
#define HIGH_RAM_START 0x100000u
#define SLICE_MAX_INSNS (1u << 20)  /* poll the stop flag at least this often */
#define PC_IO_CYCLE_NS 1000u /* an ISA bus cycle: what one IN/OUT lasts on the virtual clock */
#define IDLE_SLEEP_MAX_NS 10000000u /* a halted CPU sleeps in steps of at most 10 ms */
#define MAX_MODULES 16

struct pc_device {
    const struct device_desc *desc; /* what it is */
    void *state;                    /* its state */
};

struct pc {
    struct pc_config cfg;         /* as given (strings point at the caller's) */
    struct bus *bus;              /* address and port space */
    struct sched *sched;          /* virtual clock and timers */
    struct cpu *cpu;              /* the one CPU */
    uint8_t *ram;                 /* host memory for guest RAM (ram_alloc) */
    uint64_t ram_size;            /* bytes */
    struct region *ram_region[3]; /* low, upper-memory and high RAM mappings */
    struct bios_rom *bios;        /* NULL when booting -kernel without -bios */
    struct chardev *debugcon_out; /* shared by every debugcon; NULL if none */
    struct pic8259 *pic;          /* interrupt controllers; every IRQ wire comes from here */
    struct cmos_rtc *rtc;         /* RTC/CMOS (NMI mask, memory size bytes) */
    struct dma8237 *dma;          /* ISA DMA pair (the floppy uses channel 2) */
    struct pci_bus *pci;          /* bus 0: the board's own config cycles go through it */
    struct i8042 *kbc;            /* keyboard controller: host keys and mouse go in here */
    struct ps2_keymap_state keymap; /* host modifiers held, Print Screen's variant */
    struct uart16550 *uart[PC_MAX_SERIAL];    /* COM1-COM4, NULL where absent */
    struct chardev *serial_cd[PC_MAX_SERIAL]; /* their backends (owned by the board) */
    struct region *ferr_port;                 /* port 0xF0: clear FERR#/IRQ 13 */
    struct vga *vga;                          /* -vga std; NULL with -vga none */
    struct framebuffer fb;                    /* what pc_framebuffer last returned */
    struct pc_device *dev;                    /* devices, in creation order */
    unsigned ndev, devcap;                    /* used / allocated entries of dev */

    /* -kernel, kept so that a reset can reload it */
    uint8_t *kernel;                    /* file contents */
    size_t kernel_len;                  /* bytes */
    char *kernel_cmdline;               /* "PATH APPEND" */
    struct mb_module mods[MAX_MODULES]; /* -initrd files (data malloc'd, cmdline in modstr) */
    unsigned nmods;                     /* entries used */
    char *modstr;                       /* copy of -initrd, split in place into module strings */

    /* run state */
    volatile sig_atomic_t stop_requested; /* pc_request_stop was called */
    bool reset_pending;                   /* port 0x92 (or later the 8042) asked for a reset */
    enum pc_exit exit;                    /* sticky once not TIMEOUT */
    int exit_status;                      /* process status for PC_EXIT_GUEST */
    uint64_t host_base_ns;                /* real-time mode: host time at virtual time 0 */
    uint64_t paused_at_ns;                /* host time of pc_set_paused(true); 0: not paused */
    uint64_t host_start_ns;               /* host time at pc_create, for stats */
    double insns_per_ns;                  /* real-time mode: estimated host speed */
};

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void host_sleep_ns(uint64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
    nanosleep(&ts, NULL); /* EINTR is fine: the caller re-checks the stop flag */
}

void pc_config_defaults(struct pc_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ram_size = PC_RAM_DEFAULT;
    cfg->debug_exit_iobase = DEBUG_EXIT_DEFAULT_IOBASE;
    cfg->debug_exit_iosize = DEBUG_EXIT_DEFAULT_IOSIZE;
    cfg->icount_shift = PC_ICOUNT_OFF;
    cfg->boot_menu_wait_ms = -1;
    cfg->boot_reboot_timeout_ms = -1;
}

int pc_add_device(struct pc *pc, const struct device_desc *desc, void *state)
{
    if (pc->ndev == pc->devcap) {
        unsigned cap = pc->devcap ? pc->devcap * 2 : 16;
        struct pc_device *d = realloc(pc->dev, cap * sizeof(*d));
        if (!d) return -1;
        pc->dev = d;
        pc->devcap = cap;
    }
    pc->dev[pc->ndev++] = (struct pc_device){desc, state};
    return 0;
}

/* The CPU caches translations and the A20 mask: drop them on every map or
 * A20 change (bus_add_map_listener). */
static void pc_on_map_change(void *opaque)
{
    struct pc *pc = opaque;
    pc->cpu->a20_mask = bus_a20_mask(pc->bus);
    tlb_flush_all(pc->cpu);
}

static void pc_debug_exit_request(void *opaque, int status)
{
    struct pc *pc = opaque;
    if (pc->exit == PC_EXIT_TIMEOUT) {
        pc->exit = PC_EXIT_GUEST;
        pc->exit_status = status;
    }
    cpu_request_exit(pc->cpu);
}

/* A device armed a timer before the deadline the running CPU slice was sized
 * for: end the slice so the board can service it on time. */
static void pc_timer_earlier(void *opaque)
{
    struct pc *pc = opaque;
    if (pc->cpu->in_run) cpu_request_exit(pc->cpu);
}

static void pc_reset_request(void *opaque)
{
    struct pc *pc = opaque;
    pc->reset_pending = true;
    cpu_request_exit(pc->cpu);
}

/* --- multiboot --------------------------------------------------------- */

static void pc_mb_write(void *opaque, uint32_t paddr, const void *src, size_t len)
{
    static const uint8_t zeros[4096];
    struct pc *pc = opaque;
    while (len) {
        size_t n = src ? len : (len < sizeof(zeros) ? len : sizeof(zeros));
        bus_phys_write_block(pc->bus, paddr, src ? src : zeros, n);
        paddr += (uint32_t)n;
        len -= n;
        if (src) src = (const uint8_t *)src + n;
    }
}

/* Machine state at entry, Multiboot spec 3.2: flat 32-bit protected mode,
 * paging off, IF=0, A20 on, EAX = magic, EBX = info.  The spec does not
 * require a valid GDT, so only the hidden descriptor caches are loaded. */
static void pc_enter_multiboot(struct pc *pc, const struct mb_boot *b)
{
    struct cpu *c = pc->cpu;
    bus_set_a20(pc->bus, true);
    c->cr0 = CR0_PE | CR0_ET;
    for (int i = 0; i < SEG_COUNT; i++) {
        struct seg *s = &c->seg[i];
        s->base = 0;
        s->limit = 0xFFFFFFFFu;
        s->sel = i == SEG_CS ? 0x08 : 0x10; /* what GRUB's own GDT uses */
        /* P, DPL 0, S, G, D/B; code execute/read accessed, data read/write accessed */
        s->flags = (uint16_t)(SEGF_G | SEGF_DB | SEGF_P | SEGF_S | (i == SEG_CS ? 0xB : 0x3));
        seg_update_cache(c, s, i);
    }
    c->lf.op = LF_NONE;
    c->eflags = FL_RES1;
    c->regs[R_EAX] = MULTIBOOT_BOOTLOADER_MAGIC;
    c->regs[R_EBX] = b->info_addr;
    c->regs[R_ESP] = 0x7C00; /* undefined by the spec; a harmless spot in free low RAM */
    c->eip = c->insn_eip = b->entry;
    c->halted = false;
    cpu_set_cpl(c, 0);
    tlb_flush_all(c);
    cpu_update_tlb_cur(c);
}

/* --- Linux bzImage (32-bit boot protocol) ---------------------------------- */

#define PC_PM_BASE 0x600 /* PIIX4 PMBA where SeaBIOS and QEMU put it */
/* PIRQA-D -> ISA IRQs, as SeaBIOS routes them on QEMU's PIIX. */
static const uint8_t pc_pirq_irq[4] = {10, 10, 11, 11};

/* No firmware runs before a directly booted Linux: do the chipset setup its
 * ACPI tables depend on, as SeaBIOS would: PIIX4 PM I/O at PC_PM_BASE,
 * enabled (function 3 of the PIIX3 at 00:01), IDE decode, and the PIRQ
 * routing. */
static void pc_linux_firmware_setup(struct pc *pc)
{
    const unsigned piix_isa = 1u << 3, piix_ide = piix_isa | 1, piix_pm = piix_isa | 3;
    pci_config_write(pc->pci, piix_pm, PIIX_PM_PMBA, PC_PM_BASE | 1u, 4);
    pci_config_write(pc->pci, piix_pm, PIIX_PM_PMREGMISC, 1, 1);
    /* IDE decode enable (IDETIM bit 15) on both channels of 00:01.1, as
     * SeaBIOS sets it; Linux's ata_piix skips a channel without it. */
    pci_config_write(pc->pci, piix_ide, 0x40, 0x80008000u, 4);
    /* PCI interrupt routing, which the DSDT's _PRT describes. */
    for (unsigned i = 0; i < 4; i++)
        pci_config_write(pc->pci, piix_isa, PIIX3_PIRQRC + i, pc_pirq_irq[i], 1);
}

/* Machine state at entry, boot.rst "32-bit Boot Protocol": protected mode,
 * paging off, a GDT with flat __BOOT_CS (0x10) and __BOOT_DS (0x18), CS/DS/
 * ES/SS loaded from them, interrupts off, ESI = boot_params, EBP = EDI = EBX
 * = 0, EIP = code32_start. */
static void pc_enter_linux(struct pc *pc, const struct lb_boot *b)
{
    struct cpu *c = pc->cpu;
    bus_set_a20(pc->bus, true);
    c->cr0 = CR0_PE | CR0_ET;
    c->gdtr.base = b->gdt_base;
    c->gdtr.limit = b->gdt_limit;
    for (int i = 0; i < SEG_COUNT; i++) {
        struct seg *s = &c->seg[i];
        s->base = 0;
        s->limit = 0xFFFFFFFFu;
        s->sel = i == SEG_CS ? LINUXBOOT_BOOT_CS : LINUXBOOT_BOOT_DS;
        s->flags = (uint16_t)(SEGF_G | SEGF_DB | SEGF_P | SEGF_S | (i == SEG_CS ? 0xB : 0x3));
        seg_update_cache(c, s, i);
    }
    c->lf.op = LF_NONE;
    c->eflags = FL_RES1;
    for (int r = 0; r < 8; r++)
        c->regs[r] = 0;
    c->regs[R_ESI] = b->params;
    c->regs[R_ESP] = b->params; /* boot.rst asks for no stack; grows down into free low RAM */
    c->eip = c->insn_eip = b->entry;
    c->halted = false;
    cpu_set_cpl(c, 0);
    tlb_flush_all(c);
    cpu_update_tlb_cur(c);
}

static int pc_load_linux(struct pc *pc, char *err, size_t errlen)
{
    if (pc->nmods > 1) {
        snprintf(err, errlen, "-initrd: a Linux kernel takes one initrd file, not %u", pc->nmods);
        return -1;
    }
    struct lb_mem mem = {
        .write = pc_mb_write,
        .opaque = pc,
        .ram_size = (uint32_t)pc->ram_size,
        .rom_size = pc->bios ? bios_rom_size(pc->bios) : 0,
    };
    struct lb_acpi acpi = {
        .pm_base = PC_PM_BASE,
        .sci_irq = PIIX_PM_SCI_IRQ,
        .smi_cmd = PIIX_APM_CNT,
        .acpi_enable = PIIX_APM_ACPI_ENABLE,
        .acpi_disable = PIIX_APM_ACPI_DISABLE,
        .pirq_irq = {pc_pirq_irq[0], pc_pirq_irq[1], pc_pirq_irq[2], pc_pirq_irq[3]},
        .pci_mem_base = (uint32_t)pc->ram_size,
    };
    struct lb_boot boot;
    const struct mb_module *rd = pc->nmods ? &pc->mods[0] : NULL;
    char rdname[4096];
    if (rd) snprintf(rdname, sizeof(rdname), "%.*s", (int)strcspn(rd->cmdline, " "), rd->cmdline);
    if (linuxboot_load(&mem, pc->cfg.kernel, pc->kernel, pc->kernel_len, pc->cfg.append,
                       rd ? rd->data : NULL, rd ? rd->len : 0, rd ? rdname : NULL, &acpi, &boot,
                       err, errlen) != 0)
        return -1;
    pc_linux_firmware_setup(pc);
    pc_enter_linux(pc, &boot);
    return 0;
}

static int pc_load_kernel(struct pc *pc, char *err, size_t errlen)
{
    if (linuxboot_is_bzimage(pc->kernel, pc->kernel_len)) return pc_load_linux(pc, err, errlen);
    struct mb_mem mem = {
        .write = pc_mb_write,
        .opaque = pc,
        .ram_size = (uint32_t)pc->ram_size,
        .rom_size = pc->bios ? bios_rom_size(pc->bios) : 0,
    };
    struct mb_boot boot;
    if (multiboot_load(&mem, pc->cfg.kernel, pc->kernel, pc->kernel_len, pc->kernel_cmdline,
                       pc->mods, pc->nmods, &boot, err, errlen) != 0)
        return -1;
    pc_enter_multiboot(pc, &boot);
    return 0;
}

static int pc_read_kernel_files(struct pc *pc, char *err, size_t errlen)
{
    const struct pc_config *cfg = &pc->cfg;
    if (ram_load_file(cfg->kernel, &pc->kernel, &pc->kernel_len, 0, PC_RAM_MAX, err, errlen))
        return -1;
    size_t n = strlen(cfg->kernel) + (cfg->append ? strlen(cfg->append) + 1 : 0) + 1;
    pc->kernel_cmdline = malloc(n);
    if (!pc->kernel_cmdline) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(pc->kernel_cmdline, n, "%s%s%s", cfg->kernel, cfg->append ? " " : "",
             cfg->append ? cfg->append : "");
    if (!cfg->initrd) return 0;
    /* QEMU's -initrd syntax: "FILE ARGS,FILE ARGS"; the module string is the
     * whole item, the file is its first word. */
    pc->modstr = strdup(cfg->initrd);
    if (!pc->modstr) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    char *save = NULL;
    for (char *item = strtok_r(pc->modstr, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        if (pc->nmods == MAX_MODULES) {
            snprintf(err, errlen, "-initrd: more than %d modules", MAX_MODULES);
            return -1;
        }
        char path[4096];
        size_t plen = strcspn(item, " ");
        snprintf(path, sizeof(path), "%.*s", (int)plen, item);
        struct mb_module *m = &pc->mods[pc->nmods];
        uint8_t *data;
        if (ram_load_file(path, &data, &m->len, 0, PC_RAM_MAX, err, errlen)) return -1;
        m->data = data;
        m->cmdline = item;
        pc->nmods++;
    }
    return 0;
}

/* --- creation ------------------------------------------------------------ */

static int pc_map_ram(struct pc *pc, char *err, size_t errlen)
{
    pc->ram = ram_alloc(pc->ram_size);
    if (!pc->ram) {
        snprintf(err, errlen, "-m: cannot allocate %llu MiB of guest RAM",
                 (unsigned long long)(pc->ram_size >> 20));
        return -1;
    }
    /* C0000-FFFFF (shadow RAM under the BIOS and option ROMs, and the BIOS's
     * low window) is decoded by the i440FX's PAM registers (pc_create_pci):
     * ram_region[1] stays NULL and the BIOS gives up its low mapping. */
    uint32_t size = (uint32_t)pc->ram_size;
    if (pc->bios) bios_rom_unmap_low(pc->bios);
    pc->ram_region[0] = bus_map_ram(pc->bus, 0, LOW_RAM_END, pc->ram, 0);
    pc->ram_region[2] =
        bus_map_ram(pc->bus, HIGH_RAM_START, size - HIGH_RAM_START, pc->ram + HIGH_RAM_START, 0);
    if (!pc->ram_region[0] || !pc->ram_region[2]) {
        snprintf(err, errlen, "cannot map guest RAM");
        return -1;
    }
    return 0;
}

/* --- chipset wiring ------------------------------------------------------ */

static void pc_cpu_intr(void *opaque, bool level)
{
    cpu_set_intr(opaque, level);
}

/* FERR# (x87 error with CR0.NE=0) is wired to IRQ 13 on a PC/AT. */
static void pc_ferr(void *opaque, bool level)
{
    struct pc *pc = opaque;
    struct irq_line l = pic8259_irq(pc->pic, 13);
    irq_set(&l, level);
}

/* Port 0xF0: a write clears the FERR# latch (IGNNE#), as DOS-era IRQ 13
 * handlers expect. */
static uint32_t pc_ferr_port_read(void *opaque, uint32_t off, unsigned size)
{
    return 0xff;
}
static void pc_ferr_port_write(void *opaque, uint32_t off, uint32_t v, unsigned size)
{
    struct pc *pc = opaque;
    fpu_clear_ferr(pc->cpu);
    pc_ferr(pc, false);
}
static const struct io_ops pc_ferr_port_ops = {pc_ferr_port_read, pc_ferr_port_write, 1, 1, "ferr"};

static void pc_kbc_a20(void *opaque, bool on)
{
    struct pc *pc = opaque;
    bus_set_a20(pc->bus, on); /* the last writer (8042 or port 0x92) wins, as on QEMU */
}

static int pc_add_or_fail(struct pc *pc, const struct device_desc *desc, void *state,
                          const char *what, char *err, size_t errlen)
{
    if (!state) {
        snprintf(err, errlen, "%s: its ports are already in use", what);
        return -1;
    }
    if (pc_add_device(pc, desc, state)) {
        desc->destroy(state);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* SeaBIOS reads the boot order from CMOS 0x3D/0x38.  -boot once= holds for
 * the power-on boot only; every reset after it goes back to order=. */
static void pc_set_boot_order(struct pc *pc, bool power_on)
{
    const struct pc_config *cfg = &pc->cfg;
    const char *order = cfg->boot_order ? cfg->boot_order : "cad";
    if (power_on && cfg->boot_once) order = cfg->boot_once;
    cmos_rtc_set_boot_order(pc->rtc, order, true);
}

/* fw_cfg carries what CMOS cannot (fw_cfg.h says why we have it): the boot
 * menu switch and wait, the failed-boot retry time, the CPU count. */
static int pc_create_fw_cfg(struct pc *pc, char *err, size_t errlen)
{
    const struct pc_config *cfg = &pc->cfg;
    struct fw_cfg *fc = fw_cfg_create(pc->bus, FW_CFG_IOBASE);
    if (pc_add_or_fail(pc, &fw_cfg_desc, fc, "fw_cfg", err, errlen)) return -1;
    uint32_t retry = (uint32_t)cfg->boot_reboot_timeout_ms; /* -1: SeaBIOS waits forever */
    if (fw_cfg_add_u64(fc, FW_CFG_RAM_SIZE, pc->ram_size) ||
        fw_cfg_add_u16(fc, FW_CFG_NOGRAPHIC, cfg->nographic) ||
        fw_cfg_add_u16(fc, FW_CFG_NB_CPUS, 1) || fw_cfg_add_u16(fc, FW_CFG_MAX_CPUS, 1) ||
        fw_cfg_add_u16(fc, FW_CFG_BOOT_MENU, cfg->boot_menu) ||
        fw_cfg_add_file(fc, "etc/boot-fail-wait", &retry, sizeof(retry)))
        goto oom;
    if (cfg->boot_menu_wait_ms >= 0) {
        uint16_t wait = (uint16_t)cfg->boot_menu_wait_ms;
        if (fw_cfg_add_file(fc, "etc/boot-menu-wait", &wait, sizeof(wait))) goto oom;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

static int pc_create_chipset(struct pc *pc, char *err, size_t errlen)
{
    const struct pc_config *cfg = &pc->cfg;
    pc->pic = pic8259_create(pc->bus, pc_cpu_intr, pc->cpu);
    if (pc_add_or_fail(pc, &pic8259_desc, pc->pic, "8259 PIC", err, errlen)) return -1;
    pc->cpu->irq_ack = (struct cpu_irq_ack){pic8259_cpu_ack, pc->pic};
    pc->cpu->cfg.ferr = pc_ferr;
    pc->cpu->cfg.ferr_opaque = pc;
    pc->ferr_port = bus_map_ports(pc->bus, 0xF0, 1, &pc_ferr_port_ops, pc);

    struct pit8254 *pit =
        pit8254_create(pc->bus, pc->sched, PIT8254_IOBASE, pic8259_irq(pc->pic, 0));
    if (pc_add_or_fail(pc, &pit8254_desc, pit, "8254 PIT", err, errlen)) return -1;
    if (pc_add_or_fail(pc, &port61_desc, port61_create(pc->bus, pc->sched, pit), "port 0x61", err,
                       errlen))
        return -1;

    int64_t base;
    if (cmos_rtc_parse_base(cfg->rtc_base ? cfg->rtc_base : "utc", (int64_t)time(NULL), &base) <
        0) {
        snprintf(err, errlen, "-rtc base=%s: expected utc, localtime or YYYY-MM-DD[THH:MM:SS]",
                 cfg->rtc_base);
        return -1;
    }
    pc->rtc = cmos_rtc_create(pc->bus, pc->sched, pic8259_irq(pc->pic, 8), base);
    if (pc_add_or_fail(pc, &cmos_rtc_desc, pc->rtc, "RTC", err, errlen)) return -1;
    cmos_rtc_set_memory_size(pc->rtc, pc->ram_size);
    pc_set_boot_order(pc, true);
    /* Equipment byte: x87 present (bit 1), no floppies yet, VGA/EGA (bits 5-4 = 00). */
    cmos_rtc_set_byte(pc->rtc, 0x14, 0x02);

    struct i8042 *kbc = i8042_create(pc->bus, pc->sched, pic8259_irq(pc->pic, 1),
                                     pic8259_irq(pc->pic, 12), pc_kbc_a20, pc_reset_request, pc);
    if (pc_add_or_fail(pc, &i8042_desc, kbc, "8042 keyboard controller", err, errlen)) return -1;
    pc->kbc = kbc;
    pc->dma = dma8237_create(pc->bus);
    if (pc_add_or_fail(pc, &dma8237_desc, pc->dma, "8237 DMA", err, errlen)) return -1;

    /* COM ports: -serial in order; without any, COM1 goes to stdio with
     * -nographic and nowhere otherwise (the port exists, output is dropped). */
    static const uint16_t com_base[PC_MAX_SERIAL] = {0x3F8, 0x2F8, 0x3E8, 0x2E8};
    static const int com_irq[PC_MAX_SERIAL] = {4, 3, 4, 3};
    const char *specs[PC_MAX_SERIAL] = {0};
    unsigned n = cfg->n_serial;
    for (unsigned i = 0; i < n; i++)
        specs[i] = cfg->serial[i];
    if (n == 0) {
        specs[0] = cfg->nographic ? "stdio" : "null";
        n = 1;
    }
    for (unsigned i = 0; i < n; i++) {
        if (chardev_spec_is_none(specs[i])) continue;
        pc->serial_cd[i] = chardev_open(specs[i], err, errlen);
        if (!pc->serial_cd[i]) return -1;
        pc->uart[i] = uart16550_create(pc->bus, pc->sched, com_base[i],
                                       pic8259_irq(pc->pic, com_irq[i]), pc->serial_cd[i]);
        char what[32];
        snprintf(what, sizeof(what), "COM%u", i + 1);
        if (pc_add_or_fail(pc, &uart16550_desc, pc->uart[i], what, err, errlen)) {
            pc->uart[i] = NULL;
            return -1;
        }
        /* Don't make a 9600-baud console cost seconds of guest time per
         * screenful: a character takes at most what it takes at 115200 baud,
         * which is also what a terminal keeps up with. */
        uart16550_set_max_char_ns(pc->uart[i], 86806);
    }
    return 0;
}

/* The guest entered soft-off (PIIX4 PM SUS_TYP 0): the machine is off, and
 * Cinder exits with status 0 (pc_exit_status is 0 for PC_EXIT_SHUTDOWN). */
static void pc_poweroff(void *opaque)
{
    struct pc *pc = opaque;
    LOG(LOG_PM, "guest power off");
    if (pc->exit == PC_EXIT_TIMEOUT) pc->exit = PC_EXIT_SHUTDOWN;
    cpu_request_exit(pc->cpu);
}

#define VGA_BIOS_DEFAULT "/usr/share/seabios/vgabios-stdvga.bin" /* Debian's seabios package */

/* -vga std: QEMU's std-VGA at 00:02.0.  Its BIOS (vgabios-stdvga.bin) is the
 * PCI function's expansion ROM, which SeaBIOS copies to C0000 and runs, as on
 * QEMU; a -kernel boot runs no firmware and needs none. */
static int pc_create_vga(struct pc *pc, struct pci_bus *pb, char *err, size_t errlen)
{
    const struct pc_config *cfg = &pc->cfg;
    if (cfg->vga && !strcmp(cfg->vga, "none")) return 0;
    if (cfg->vga && strcmp(cfg->vga, "std")) {
        snprintf(err, errlen, "-vga %s: expected std or none", cfg->vga);
        return -1;
    }
    unsigned mb = cfg->vgamem_mb ? cfg->vgamem_mb : VGA_VRAM_DEFAULT_MB;
    uint8_t *rom = NULL;
    size_t rom_len = 0;
    if (pc->bios) {
        char e[512];
        if (ram_load_file(VGA_BIOS_DEFAULT, &rom, &rom_len, 512, 0x40000, e, sizeof(e))) {
            if (!cfg->bios) { /* Debian's SeaBIOS expects its VGA BIOS */
                snprintf(err, errlen,
                         "no VGA BIOS: %s (install Debian's seabios package, or use -vga none)", e);
                return -1;
            }
            rom = NULL; /* a -bios of the user's own: a VGA without a ROM */
            rom_len = 0;
        }
    }
    pc->vga = vga_create(pc->bus, pc->sched, pb, 2, mb, rom, rom_len);
    free(rom);
    if (!pc->vga) {
        snprintf(err, errlen, "VGA: out of memory, or its ports, memory or PCI slot are taken");
        return -1;
    }
    return pc_add_or_fail(pc, &vga_desc, pc->vga, "VGA", err, errlen);
}

/* IDE drives on the PIIX3's channels (index 0-3: primary master, slave,
 * secondary master, slave), each image opened through block.h.  The first
 * two hard disks also go into CMOS as type 47 (user-defined) with their
 * default geometry at 0x1B / 0x24, as QEMU does for BIOSes that read it
 * (SeaBIOS itself uses IDENTIFY DEVICE). */
static int pc_create_disks(struct pc *pc, struct piix3 *sb, char *err, size_t errlen)
{
    const struct pc_config *cfg = &pc->cfg;
    uint8_t types = 0;
    for (int i = 0; i < PC_MAX_IDE; i++) {
        const struct pc_ide_drive *dr = &cfg->ide[i];
        if (!dr->present) continue;
        bool cd = dr->media == PC_MEDIA_CDROM;
        char opt[16];
        if (cd)
            snprintf(opt, sizeof(opt), "-cdrom");
        else
            snprintf(opt, sizeof(opt), "-hd%c", 'a' + i);
        struct block *blk = NULL;
        char e[768];
        if (dr->file) {
            struct block_opts bo = {
                .format = !dr->format                    ? BLOCK_FORMAT_AUTO
                          : !strcmp(dr->format, "qcow2") ? BLOCK_FORMAT_QCOW2
                                                         : BLOCK_FORMAT_RAW,
                .readonly = cd || dr->readonly,
                .snapshot = !cd && (dr->snapshot || cfg->snapshot),
                .cache = dr->writethrough ? BLOCK_CACHE_WRITETHROUGH : BLOCK_CACHE_WRITEBACK,
            };
            blk = block_open(dr->file, &bo, e, sizeof(e));
            if (!blk) {
                snprintf(err, errlen, "%s: %s", opt, e);
                return -1;
            }
        } else if (!cd) {
            snprintf(err, errlen, "%s: a hard disk needs file=", opt);
            return -1;
        }
        struct ide_channel *ch = piix3_ide(sb, i / 2);
        int r = cd ? ide_attach_cdrom(ch, (unsigned)i % 2, blk, e, sizeof(e))
                   : ide_attach_disk(ch, (unsigned)i % 2, blk, e, sizeof(e));
        if (r) {
            block_close(blk);
            snprintf(err, errlen, "%s: %s", opt, e);
            return -1;
        }
        unsigned cyls, heads, sects;
        if (i < 2 && ide_disk_geometry(ch, (unsigned)i % 2, &cyls, &heads, &sects)) {
            int base = i == 0 ? 0x1B : 0x24;
            types |= (uint8_t)(i == 0 ? 0xF0 : 0x0F);
            cmos_rtc_set_byte(pc->rtc, i == 0 ? 0x19 : 0x1A, 47);
            const uint8_t g[9] = {(uint8_t)cyls, (uint8_t)(cyls >> 8), (uint8_t)heads, 0xFF, 0xFF,
                                  (uint8_t)(0xC0 | (heads > 8 ? 0x08 : 0)), (uint8_t)cyls,
                                  (uint8_t)(cyls >> 8), (uint8_t)sects};
            for (int k = 0; k < 9; k++)
                cmos_rtc_set_byte(pc->rtc, base + k, g[k]);
        }
    }
    cmos_rtc_set_byte(pc->rtc, 0x12, types);
    return 0;
}

/* PCI: configuration ports, the i440FX host bridge at 00:00.0 (which takes
 * C0000-FFFFF: shadow RAM from the board's RAM, the BIOS's low window on the
 * PCI side) and the PIIX3 at 00:01 (ISA bridge with the PIRQ router, IDE,
 * PIIX4 power management with the PM timer, SCI on IRQ 9 and soft-off). */
static int pc_create_pci(struct pc *pc, char *err, size_t errlen)
{
    struct pci_bus *pb = pci_bus_create(pc->bus, pc_reset_request, pc);
    pc->pci = pb;
    if (pc_add_or_fail(pc, &pci_bus_desc, pb, "PCI configuration ports 0xCF8-0xCFF", err, errlen))
        return -1;
    uint32_t rom_len = 0;
    const uint8_t *rom = pc->bios ? bios_rom_low_image(pc->bios, &rom_len) : NULL;
    struct i440fx *nb = i440fx_create(pc->bus, pb, pc->ram, rom, rom_len);
    if (!nb) {
        snprintf(err, errlen, "i440FX: cannot map 0xC0000-0xFFFFF");
        return -1;
    }
    if (pc_add_or_fail(pc, &i440fx_desc, nb, "i440FX", err, errlen)) return -1;
    struct irq_line isa[16];
    for (int i = 0; i < 16; i++)
        isa[i] = pic8259_irq(pc->pic, i);
    struct piix3 *sb = piix3_create(pc->bus, pc->sched, pb, 1, isa, pc_poweroff, pc);
    if (pc_add_or_fail(pc, &piix3_desc, sb, "PIIX3 (APM ports 0xB2-0xB3)", err, errlen)) return -1;
    if (pc_create_disks(pc, sb, err, errlen)) return -1;
    return pc_create_vga(pc, pb, err, errlen);
}

/* Host input for the serial ports; true when the user asked to quit (Ctrl-A x). */
static bool pc_poll_serial(struct pc *pc)
{
    bool quit = false;
    for (unsigned i = 0; i < PC_MAX_SERIAL; i++)
        if (pc->uart[i] && (uart16550_poll(pc->uart[i]) & CHARDEV_EV_QUIT)) quit = true;
    return quit;
}

/* The 82077AA at 0x3F0 (IRQ 6, DMA 2), always present as on a PC; drives
 * for -fda/-fdb.  CMOS 0x10 holds the drive types (A high nibble), and the
 * equipment byte 0x14 says "floppies present" (bit 0) and how many (7-6). */
static int pc_create_floppy(struct pc *pc, char *err, size_t errlen)
{
    const struct pc_config *cfg = &pc->cfg;
    struct fdc *fdc = fdc_create(pc->bus, pc->sched, pc->dma, pic8259_irq(pc->pic, 6));
    if (pc_add_or_fail(pc, &fdc_desc, fdc, "floppy controller", err, errlen)) return -1;
    unsigned n = 0;
    for (int i = 0; i < 2; i++) {
        if (!cfg->floppy[i]) continue;
        char e[512];
        if (fdc_attach(fdc, i, cfg->floppy[i], cfg->floppy_readonly[i], e, sizeof(e))) {
            snprintf(err, errlen, "-fd%c: %s", 'a' + i, e);
            return -1;
        }
        n = (unsigned)i + 1;
    }
    cmos_rtc_set_byte(pc->rtc, 0x10,
                      (uint8_t)(fdc_drive_type(fdc, 0) << 4 | fdc_drive_type(fdc, 1)));
    uint8_t equip = cmos_rtc_get_byte(pc->rtc, 0x14) & 0x3E;
    if (n) equip |= (uint8_t)(0x01 | (n - 1) << 6);
    cmos_rtc_set_byte(pc->rtc, 0x14, equip);
    return 0;
}

static int pc_create_devices(struct pc *pc, char *err, size_t errlen)
{
    const struct pc_config *cfg = &pc->cfg;
    if (pc_create_chipset(pc, err, errlen)) return -1;
    if (pc_create_fw_cfg(pc, err, errlen)) return -1;
    if (pc_create_floppy(pc, err, errlen)) return -1;
    if (cfg->n_debugcon) {
        pc->debugcon_out = chardev_open(cfg->debugcon ? cfg->debugcon : "stdio", err, errlen);
        if (!pc->debugcon_out) return -1;
        for (unsigned i = 0; i < cfg->n_debugcon; i++) {
            struct debugcon *d = debugcon_create(pc->bus, cfg->debugcon_ports[i], pc->debugcon_out);
            if (!d) {
                snprintf(err, errlen, "isa-debugcon: port 0x%x is already in use",
                         cfg->debugcon_ports[i]);
                return -1;
            }
            if (pc_add_device(pc, &debugcon_desc, d)) goto oom;
        }
    }
    if (cfg->debug_exit) {
        struct debug_exit *d = debug_exit_create(pc->bus, cfg->debug_exit_iobase,
                                                 cfg->debug_exit_iosize, pc_debug_exit_request, pc);
        if (!d) {
            snprintf(err, errlen, "isa-debug-exit: ports 0x%x-0x%x are already in use",
                     cfg->debug_exit_iobase, cfg->debug_exit_iobase + cfg->debug_exit_iosize - 1);
            return -1;
        }
        if (pc_add_device(pc, &debug_exit_desc, d)) goto oom;
    }
    struct post_port *post = post_port_create(pc->bus);
    if (!post || pc_add_device(pc, &post_port_desc, post)) {
        snprintf(err, errlen, "port 0x80 is already in use");
        return -1;
    }
    struct port92 *p92 = port92_create(pc->bus, pc_reset_request, pc);
    if (!p92 || pc_add_device(pc, &port92_desc, p92)) {
        snprintf(err, errlen, "port 0x92 is already in use");
        return -1;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory");
    return -1;
}

struct pc *pc_create(const struct pc_config *cfg, char *err, size_t errlen)
{
    if (cfg->ram_size < PC_RAM_MIN || cfg->ram_size > PC_RAM_MAX || cfg->ram_size % 4096) {
        snprintf(err, errlen, "-m: RAM size must be 2M to 3584M, a multiple of 4K");
        return NULL;
    }
    struct pc *pc = calloc(1, sizeof(*pc));
    if (!pc) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pc->cfg = *cfg;
    pc->ram_size = cfg->ram_size;
    pc->exit = PC_EXIT_TIMEOUT;
    pc->insns_per_ns = 0.05; /* 50 MIPS until measured */
    pc->bus = bus_create();
    pc->sched = sched_create();
    pc->cpu = calloc(1, sizeof(*pc->cpu));
    if (!pc->bus || !pc->sched || !pc->cpu) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    struct cpu_config cc = {0};
    cc.pae = true; /* P6 has PAE; Debian's 686-pae kernels need it (and NX) */
    /* The TSC runs from virtual time: one tick per instruction's worth of
     * time with -icount (125 MHz at shift 3), a Pentium II's 450 MHz in
     * real-time mode. */
    cc.clock = pc->sched;
    cc.tsc_khz = cfg->icount_shift >= 0 ? 1000000u >> cfg->icount_shift : 450000u;
    if (cpu_init(pc->cpu, pc->bus, &cc) != 0) {
        snprintf(err, errlen, "cannot initialise the CPU");
        free(pc->cpu);
        pc->cpu = NULL;
        goto fail;
    }
    bus_add_map_listener(pc->bus, pc_on_map_change, pc);
    sched_set_earlier_hook(pc->sched, pc_timer_earlier, pc);
    if (cfg->icount_shift >= 0) {
        sched_set_insn_clock(pc->sched, &pc->cpu->icount, (unsigned)cfg->icount_shift);
        pc->cpu->io_cost_insns = PC_IO_CYCLE_NS >> cfg->icount_shift;
    }

    /* Firmware: -bios, else Debian's SeaBIOS, except that -kernel needs none. */
    const char *bios = cfg->bios;
    if (!bios && !cfg->kernel) {
        struct stat st;
        if (stat(BIOS_ROM_DEFAULT, &st) != 0) {
            snprintf(err, errlen, "no BIOS: install Debian's seabios package (or pass -bios FILE)");
            goto fail;
        }
        bios = BIOS_ROM_DEFAULT;
    }
    if (bios) {
        pc->bios = bios_rom_create(pc->bus, bios, err, errlen);
        if (!pc->bios) goto fail;
        if (pc_add_device(pc, &bios_rom_desc, pc->bios)) {
            bios_rom_desc.destroy(pc->bios);
            pc->bios = NULL;
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
    }
    if (pc_map_ram(pc, err, errlen) || pc_create_devices(pc, err, errlen) ||
        pc_create_pci(pc, err, errlen))
        goto fail;

    cpu_reset(pc->cpu);
    pc_on_map_change(pc);
    if (cfg->kernel && (pc_read_kernel_files(pc, err, errlen) || pc_load_kernel(pc, err, errlen)))
        goto fail;
    pc->host_start_ns = pc->host_base_ns = host_ns();
    return pc;
fail:
    pc_destroy(pc);
    return NULL;
}

/* --- running ------------------------------------------------------------- */

void pc_reset(struct pc *pc)
{
    LOG(LOG_PM, "machine reset");
    cpu_reset(pc->cpu);
    for (unsigned i = 0; i < pc->ndev; i++)
        if (pc->dev[i].desc->reset) pc->dev[i].desc->reset(pc->dev[i].state);
    bus_set_a20(pc->bus, true); /* the 8042 powers up with A20 enabled, as QEMU's does */
    pc_set_boot_order(pc, false);
    pc->reset_pending = false;
    if (pc->kernel) {
        char err[512];
        /* The image loaded at power-on, so it loads again. */
        if (pc_load_kernel(pc, err, sizeof(err)) != 0)
            LOG(LOG_PM, "reload after reset failed: %s", err);
    }
}

void pc_request_stop(struct pc *pc)
{
    pc->stop_requested = 1;
    cpu_request_exit(pc->cpu);
}

int pc_exit_status(const struct pc *pc)
{
    return pc->exit == PC_EXIT_GUEST ? pc->exit_status : 0;
}

static bool pc_stop_wanted(struct pc *pc)
{
    return pc->stop_requested || (pc->cfg.stop_flag && *pc->cfg.stop_flag);
}

/* Real-time mode: virtual time is host time since power-on (never backwards). */
static void pc_sync_realtime(struct pc *pc)
{
    uint64_t target = host_ns() - pc->host_base_ns;
    uint64_t now = sched_now(pc->sched);
    if (target > now) sched_advance(pc->sched, target - now);
}

/* Real-time mode: while a slice runs, let virtual time move with retired
 * instructions at no more than the host's estimated speed (2^shift ns per
 * instruction, rounded down), so a guest polling a timer (PIT counter, port
 * 61h OUT2, RTC UIP, UART LSR) sees it move within a slice instead of frozen
 * until the slice ends (up to SLICE_MAX_INSNS instructions).  Rounding down
 * keeps virtual time behind the host clock; pc_sync_realtime catches up after
 * the slice.  A host faster than 1 ns per instruction keeps the frozen clock. */
static void pc_realtime_slice_clock(struct pc *pc)
{
    double ns_per_insn = pc->insns_per_ns > 0 ? 1.0 / pc->insns_per_ns : 0;
    if (ns_per_insn < 1.0) return;
    unsigned shift = 0;
    while (shift < 20 && (double)(1ull << (shift + 1)) <= ns_per_insn) shift++;
    sched_set_insn_clock(pc->sched, &pc->cpu->icount, shift);
    pc->cpu->io_cost_insns = PC_IO_CYCLE_NS >> shift;
}

/* Instructions that fit in ns of virtual time. */
static uint64_t pc_budget(struct pc *pc, uint64_t ns)
{
    uint64_t n;
    if (pc->cfg.icount_shift >= 0) {
        uint64_t unit = 1ull << pc->cfg.icount_shift;
        n = ns / unit + (ns % unit != 0);
    } else {
        double d = (double)ns * pc->insns_per_ns;
        n = d >= SLICE_MAX_INSNS ? SLICE_MAX_INSNS : (uint64_t)d;
    }
    if (n == 0) n = 1;
    return n > SLICE_MAX_INSNS ? SLICE_MAX_INSNS : n;
}

/* A halted CPU: let time pass until the next deadline (or end), sleeping in
 * real-time mode.  In icount mode, with sleep=on (the default) idle time
 * passes at host speed, so an idle guest's clock does not race ahead of
 * the wall clock while it waits for input; the guest still wakes at the
 * exact deadline, so runs stay reproducible.  With sleep=off it jumps. */
static void pc_idle(struct pc *pc, uint64_t until)
{
    uint64_t now = sched_now(pc->sched);
    if (until <= now) return;
    uint64_t gap = until - now;
    if (pc->cfg.icount_shift >= 0) {
        if (sched_next_deadline(pc->sched) <= until) {
            if (!pc->cfg.icount_nosleep) {
                if (gap > IDLE_SLEEP_MAX_NS) gap = IDLE_SLEEP_MAX_NS;
                host_sleep_ns(gap);
            }
            sched_advance(pc->sched, gap);
            return;
        }
        /* Nothing can wake the CPU before `until`: do not spin the host. */
        host_sleep_ns(gap < IDLE_SLEEP_MAX_NS ? gap : IDLE_SLEEP_MAX_NS);
        sched_advance(pc->sched, gap);
        return;
    }
    host_sleep_ns(gap < IDLE_SLEEP_MAX_NS ? gap : IDLE_SLEEP_MAX_NS);
    pc_sync_realtime(pc);
}

enum pc_exit pc_run(struct pc *pc, uint64_t max_ns)
{
    uint64_t start = sched_now(pc->sched);
    uint64_t end = max_ns > UINT64_MAX - start ? UINT64_MAX : start + max_ns;
    for (;;) {
        if (pc->exit != PC_EXIT_TIMEOUT) return pc->exit;
        if (pc_stop_wanted(pc)) {
            pc->exit = PC_EXIT_STOPPED;
            return pc->exit;
        }
        uint64_t now = sched_now(pc->sched);
        if (now >= end) return PC_EXIT_TIMEOUT;
        uint64_t deadline = sched_next_deadline(pc->sched);
        if (deadline <= now) {
            sched_run_due(pc->sched);
            continue;
        }
        if (deadline > end) deadline = end;

        uint64_t before = cpu_insn_count(pc->cpu);
        uint64_t host_before = pc->cfg.icount_shift < 0 ? host_ns() : 0;
        if (pc->cfg.icount_shift < 0) pc_realtime_slice_clock(pc);
        enum cpu_exit why = cpu_run(pc->cpu, pc_budget(pc, deadline - now));
        uint64_t executed = cpu_insn_count(pc->cpu) - before;
        if (pc->cfg.icount_shift >= 0) {
            sched_commit_insns(pc->sched); /* time already moved with each instruction */
        } else {
            sched_commit_insns(pc->sched);
            sched_set_insn_clock(pc->sched, NULL, 0);
            uint64_t took = host_ns() - host_before;
            if (executed > 1000 && took > 0) /* smooth the speed estimate */
                pc->insns_per_ns = 0.75 * pc->insns_per_ns + 0.25 * (double)executed / took;
            pc_sync_realtime(pc);
        }
        sched_run_due(pc->sched);
        if (pc_poll_serial(pc)) {
            pc->exit = PC_EXIT_STOPPED;
            return pc->exit;
        }

        if (pc->reset_pending || (why == CPU_EXIT_SHUTDOWN && pc->cpu->shutdown)) {
            if (why == CPU_EXIT_SHUTDOWN) LOG(LOG_PM, "triple fault");
            if (pc->cfg.no_reboot) {
                pc->exit = PC_EXIT_SHUTDOWN;
                return pc->exit;
            }
            pc_reset(pc);
            continue;
        }
        switch (why) {
        case CPU_EXIT_HALT:
        case CPU_EXIT_SHUTDOWN: /* HLT that nothing can wake: wait for a signal */
            if (executed == 0) pc_idle(pc, deadline);
            break;
        case CPU_EXIT_BUDGET:
        case CPU_EXIT_BREAKPOINT: /* no debugger yet */
        case CPU_EXIT_REQUEST: break;
        }
    }
}

uint64_t pc_idle_ns(struct pc *pc)
{
    if (!pc->cpu->halted) return 0;
    uint64_t now = sched_now(pc->sched), d = sched_next_deadline(pc->sched);
    return d > now ? d - now : 0;
}

/* --- display ------------------------------------------------------------- */

const struct framebuffer *pc_framebuffer(struct pc *pc)
{
    if (pc->vga) {
        struct vga_frame f = vga_render(pc->vga);
        pc->fb = (struct framebuffer){f.pixels, f.width, f.height, f.stride, f.generation};
    }
    return &pc->fb; /* -vga none: no pixels, 0 x 0 */
}

int pc_screen_text(struct pc *pc, char *buf, size_t len)
{
    return pc->vga ? vga_screen_text(pc->vga, buf, len) : -1;
}

/* --- host input ----------------------------------------------------------- */

void pc_key_event(struct pc *pc, unsigned hid_usage, bool down)
{
    uint8_t seq[PS2_KEYMAP_SEQ_MAX];
    size_t n = ps2_keymap_event(&pc->keymap, hid_usage, down, seq);
    if (n) ps2_kbd_put_set2(i8042_kbd(pc->kbc), seq, n);
}

void pc_mouse_event(struct pc *pc, int dx, int dy, int dz, unsigned buttons)
{
    /* pc.h's wheel is positive away from the user; the IntelliMouse byte is
     * positive towards the user.  Clamp first so negating cannot overflow. */
    if (dz < -1000) dz = -1000;
    if (dz > 1000) dz = 1000;
    ps2_mouse_event(i8042_mouse(pc->kbc), dx, dy, -dz, buttons);
}

void pc_set_paused(struct pc *pc, bool paused)
{
    if (paused && !pc->paused_at_ns) {
        pc->paused_at_ns = host_ns();
    } else if (!paused && pc->paused_at_ns) {
        /* Move the origin by the pause so pc_sync_realtime sees no jump. */
        pc->host_base_ns += host_ns() - pc->paused_at_ns;
        pc->paused_at_ns = 0;
    }
}

uint64_t pc_insn_count(struct pc *pc)
{
    return cpu_insn_count(pc->cpu);
}

void pc_info(struct pc *pc, FILE *out)
{
    for (unsigned i = 0; i < pc->ndev; i++)
        if (pc->dev[i].desc->info) pc->dev[i].desc->info(pc->dev[i].state, out);
}

void pc_print_stats(struct pc *pc)
{
    if (!log_enabled(LOG_STATS)) return;
    double secs = (double)(host_ns() - pc->host_start_ns) / 1e9;
    uint64_t insns = cpu_insn_count(pc->cpu);
    log_printf(LOG_STATS,
               "insns=%llu blocks=%llu decoded=%llu virtual_ms=%.3f host_seconds=%.3f mips=%.2f",
               (unsigned long long)insns, (unsigned long long)pc->cpu->stat_blocks,
               (unsigned long long)pc->cpu->stat_decodes, (double)sched_now(pc->sched) / 1e6, secs,
               secs > 0 ? (double)insns / secs / 1e6 : 0.0);
    stats_print(log_file());
    log_flush();
}

void pc_destroy(struct pc *pc)
{
    if (!pc) return;
    for (unsigned i = pc->ndev; i-- > 0;)
        if (pc->dev[i].desc->destroy) pc->dev[i].desc->destroy(pc->dev[i].state);
    free(pc->dev);
    chardev_close(pc->debugcon_out);
    for (unsigned i = 0; i < PC_MAX_SERIAL; i++)
        chardev_close(pc->serial_cd[i]);
    /* The bus goes before the CPU: the bus's listeners point into the CPU.
     * RAM regions are not unmapped one by one (that would run the code-page
     * invalidation over all of RAM): bus_destroy drops them. */
    if (pc->bus) bus_destroy(pc->bus);
    if (pc->cpu) {
        cpu_destroy(pc->cpu);
        free(pc->cpu);
    }
    trace_shutdown();
    if (pc->sched) sched_destroy(pc->sched);
    ram_free(pc->ram, pc->ram_size);
    free(pc->kernel);
    free(pc->kernel_cmdline);
    for (unsigned i = 0; i < pc->nmods; i++)
        free((void *)pc->mods[i].data);
    free(pc->modstr);
    log_flush();
    free(pc);
}

/* --- logging, behind the board API -------------------------------------- */

int pc_log_parse(const char *list, char *err, size_t errlen)
{
    return log_parse_mask(list, err, errlen);
}

void pc_log_help(FILE *out)
{
    log_print_modules(out);
}

int pc_log_open(const char *path, char *err, size_t errlen)
{
    return log_open_file(path, err, errlen);
}

void pc_log_close(void)
{
    log_close();
}

bool pc_chardev_spec_valid(const char *spec)
{
    return chardev_spec_valid(spec);
}

int pc_rtc_base_valid(const char *spec, int64_t *out)
{
    return cmos_rtc_parse_base(spec, (int64_t)time(NULL), out) < 0 ? -1 : 0;
}
