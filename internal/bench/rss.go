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

// rssWatcher samples the peak resident set (VmHWM) of every process running
// the given executable, until stopped. VmHWM is the kernel's own high-water
// mark, so sampling only has to catch each process once before it exits;
// with dev_overrides Terraform starts the provider binary directly.
type rssWatcher struct {
	exe  string
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	peak map[int]int64 // by pid
}

func watchRSS(exe string, every time.Duration) *rssWatcher {
	w := &rssWatcher{exe: exe, stop: make(chan struct{}), done: make(chan struct{}), peak: map[int]int64{}}
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

// Stop ends sampling and returns the largest peak seen and how many
// provider processes were seen.
func (w *rssWatcher) Stop() (peak int64, procs int) {
	close(w.stop)
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.peak {
		peak = max(peak, p)
	}
	return peak, len(w.peak)
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
		w.mu.Lock()
		w.peak[pid] = max(w.peak[pid], hwm)
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
