package org.recsec.km.sad;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The PF_KEY sessions of a SAD and the delivery of what the SAD sends on its own (ACQUIRE, EXPIRE, the replies of
 * other sessions). Owns the SAD lock: messages are queued while it is held and delivered once the outermost holder
 * lets go, so a session's callback never runs under the lock (it may call back into the SAD).
 */
final class SessionHub {
    final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, SadSession> sessions = new LinkedHashMap<>();
    private final List<Runnable> outbox = new ArrayList<>();
    private long nextSessionId = 1;

    SadSession open(SecurityAssociationDatabase db, Consumer<byte[]> pushed) {
        lock.lock();
        try {
            SadSession s = new SadSession(db, nextSessionId++, pushed);
            sessions.put(s.id(), s);
            return s;
        } finally {
            lock.unlock();
        }
    }

    void close(SadSession s) {
        lock.lock();
        try {
            sessions.remove(s.id());
        } finally {
            lock.unlock();
        }
    }

    /** Requires the lock. */
    void clear() {
        sessions.clear();
    }

    /** Requires the lock. */
    boolean anyRegistered() {
        for (SadSession s : sessions.values()) {
            if (s.registered()) {
                return true;
            }
        }
        return false;
    }

    /** Requires the lock. Queues {@code bytes} for every registered session except {@code except}. */
    void pushToRegistered(byte[] bytes, SadSession except) {
        for (SadSession s : sessions.values()) {
            if (s != except && s.registered()) {
                outbox.add(() -> deliverTo(s, bytes));
            }
        }
    }

    /** Queues {@code bytes} for the registered sessions, taking the lock if the caller does not hold it. */
    void push(byte[] bytes) {
        lock.lock();
        try {
            pushToRegistered(bytes, null);
        } finally {
            unlockAndDeliver();
        }
    }

    private static void deliverTo(SadSession s, byte[] bytes) {
        try {
            s.pushed().accept(bytes);
        } catch (RuntimeException e) {
            s.close();
        }
    }

    /** Unlocks once; when that was the outermost hold, delivers what was queued. */
    void unlockAndDeliver() {
        List<Runnable> todo = null;
        if (!outbox.isEmpty() && lock.getHoldCount() == 1) {
            todo = new ArrayList<>(outbox);
            outbox.clear();
        }
        lock.unlock();
        if (todo != null) {
            todo.forEach(Runnable::run);
        }
    }

    /** Delivers queued pushes while the caller holds the lock; re-takes it as often as it held it. */
    void deliverWhileLocked() {
        if (outbox.isEmpty()) {
            return;
        }
        List<Runnable> todo = new ArrayList<>(outbox);
        outbox.clear();
        int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            todo.forEach(Runnable::run);
        } finally {
            for (int i = 0; i < holds; i++) {
                lock.lock();
            }
        }
    }
}
