// The Launcher: processes started from one confined thread, so that they inherit its CPU affinity.

package affinity

import (
	"errors"
	"runtime"
	"sync"
)

// Launcher starts processes from one thread of its own, locked to a
// goroutine that does nothing else and that lives until Close. A process
// started from it inherits the thread's CPU confinement from its first
// instruction on (on Linux, os/exec forks from the calling thread); the
// confinement is set again before every start, as [Process] may have
// moved every thread since. And a
// parent-death signal (Linux's SysProcAttr.Pdeathsig, which fires when the
// thread that started the process ends, not the process) fires only when
// the launcher is closed or this process dies: a process started from an
// ordinary goroutine's thread, or from a thread discarded after the start,
// would be killed at a time nobody chose.
type Launcher struct {
	work chan func(confined error)
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

// ErrClosed is returned by [Launcher.Start] after [Launcher.Close].
var ErrClosed = errors.New("affinity: the launcher is closed")

// NewLauncher starts a launcher whose thread is confined to cpus; with no
// cpus, the thread keeps the CPUs of the thread that calls NewLauncher.
// Confining to CPUs reports [ErrUnsupported] where the system offers no
// CPU affinity; a launcher without cpus works everywhere.
func NewLauncher(cpus []int) (*Launcher, error) {
	l := &Launcher{work: make(chan func(error)), quit: make(chan struct{}), done: make(chan struct{})}
	ready := make(chan error, 1)
	go l.run(cpus, ready, nil)
	if err := <-ready; err != nil {
		return nil, err
	}
	return l, nil
}

// run is the launcher's goroutine: it locks itself to a thread that it
// never unlocks, so the thread ends with it and no other goroutine ever
// runs on it. It closes locked once it holds its thread.
func (l *Launcher) run(cpus []int, ready chan<- error, locked chan<- struct{}) {
	runtime.LockOSThread()
	if locked != nil {
		close(locked)
	}
	if onMainThread() {
		// A goroutine locked to the main thread that ends does not end the
		// thread (the runtime parks it), so the parent-death signal of the
		// processes started from it would never fire. Hand over to a
		// goroutine on another thread: while this one holds the main
		// thread, the new one cannot land there.
		handedOver := make(chan struct{})
		go l.run(cpus, ready, handedOver)
		<-handedOver
		runtime.UnlockOSThread()
		return
	}
	defer close(l.done)
	if len(cpus) > 0 {
		if err := confineThread(cpus); err != nil {
			ready <- err
			return
		}
	}
	ready <- nil
	for {
		select {
		case f := <-l.work:
			if len(cpus) > 0 {
				if err := confineThread(cpus); err != nil {
					f(err)
					continue
				}
			}
			f(nil)
		case <-l.quit:
			return
		}
	}
}

// Start calls start, typically an [os/exec.Cmd]'s Start method, on the
// launcher's thread and returns its error.
func (l *Launcher) Start(start func() error) error {
	result := make(chan error, 1)
	select {
	case l.work <- func(confined error) {
		if confined != nil {
			result <- confined
			return
		}
		result <- start()
	}:
		return <-result
	case <-l.done:
		return ErrClosed
	}
}

// Close ends the launcher's thread. On Linux, processes it started with a
// parent-death signal receive that signal.
func (l *Launcher) Close() {
	l.once.Do(func() { close(l.quit) })
	<-l.done
}
