package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssWatcher samples the peak resident set (VmHWM) and the CPU time of every
// process running the given executable, until stopped. VmHWM is the
// kernel's own high-water mark, so sampling only has to catch each process
// once before it exits; CPU time is as of the last sample, so up to one
// interval of each process's CPU is missed. With dev_overrides Terraform
// starts the provider binary directly.
type rssWatcher struct {
	exe  string
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	peak map[int]int64         // by pid
	cpu  map[int]time.Duration // by pid, user + system
}

func watchRSS(exe string, every time.Duration) *rssWatcher {
	w := &rssWatcher{exe: exe, stop: make(chan struct{}), done: make(chan struct{}), peak: map[int]int64{}, cpu: map[int]time.Duration{}}
	go func() {
		defer close(w.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			w.sample()
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Stop ends sampling and returns the largest peak seen, how many provider
// processes were seen and their CPU time together.
func (w *rssWatcher) Stop() (peak int64, procs int, cpu time.Duration) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.peak {
		peak = max(peak, p)
	}
	for _, c := range w.cpu {
		cpu += c
	}
	return peak, len(w.peak), cpu
}

func (w *rssWatcher) sample() {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		exe, err := os.Readlink(filepath.Join(dir, "exe"))
		if err != nil || exe != w.exe {
			continue
		}
		hwm, ok := readVmHWM(filepath.Join(dir, "status"))
		if !ok {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(dir))
		cpu, cpuOK := readCPU(filepath.Join(dir, "stat"))
		w.mu.Lock()
		w.peak[pid] = max(w.peak[pid], hwm)
		if cpuOK {
			w.cpu[pid] = max(w.cpu[pid], cpu)
		}
		w.mu.Unlock()
	}
}

// readVmHWM returns VmHWM of a /proc/<pid>/status file in bytes.
func readVmHWM(path string) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	return parseVmHWM(f)
}

func parseVmHWM(r io.Reader) (int64, bool) {
	s := bufio.NewScanner(r)
	for s.Scan() {
		rest, ok := strings.CutPrefix(s.Text(), "VmHWM:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, false
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on Linux.
const clockTicks = 100

func readCPU(path string) (time.Duration, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	return parseStatCPU(string(data))
}

// parseStatCPU returns utime + stime of a /proc/<pid>/stat line. The
// command name, in parentheses, may hold spaces: fields count from its end.
func parseStatCPU(stat string) (time.Duration, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(stat[i+1:])
	// fields[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, true
}
