package org.openbcs.fbft.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openbcs.fbft.message.Block;
import org.openbcs.fbft.message.Digest;
import org.openbcs.fbft.message.QuorumCert;

/**
 * Blocks this replica knows, linked by parent id. Every block except the root and stubs has its
 * parent in the tree (inserted only after its parent), so walks down to the committed block never
 * hit a gap. A stub stands for a committed block known only by id after a restart (R3.3).
 */
final class BlockTree {
  static final int STUB_PROPOSER = -2;

  private final Map<Digest, Block> blocks = new HashMap<>();
  private final int retainBlocks;

  BlockTree(Block root, int retainBlocks) {
    this.retainBlocks = retainBlocks;
    blocks.put(root.id(), root);
  }

  static Block stub(Digest id, long round, long height) {
    return new Block(id, round, height, new QuorumCert(id, round, height, List.of()), STUB_PROPOSER, List.of());
  }

  static boolean isStub(Block b) {
    return b.proposer() == STUB_PROPOSER;
  }

  Optional<Block> get(Digest id) {
    return Optional.ofNullable(blocks.get(id));
  }

  boolean contains(Digest id) {
    return blocks.containsKey(id);
  }

  /** Adds (or replaces a stub with) a block; returns false if a real block was already there. */
  boolean add(Block b) {
    Block old = blocks.get(b.id());
    if (old != null && !isStub(old)) {
      return false;
    }
    blocks.put(b.id(), b);
    return true;
  }

  /** The parent, unless {@code b} is genesis, a stub, or its parent was pruned. */
  Optional<Block> parent(Block b) {
    if (b.isGenesis() || isStub(b)) {
      return Optional.empty();
    }
    return get(b.parentId());
  }

  /** Blocks from {@code top} down to (excluding) height {@code aboveHeight}, top first; empty if a gap. */
  Optional<List<Block>> chainDown(Block top, long aboveHeight) {
    List<Block> out = new ArrayList<>();
    Block cur = top;
    while (cur.height() > aboveHeight) {
      out.add(cur);
      Optional<Block> p = parent(cur);
      if (p.isEmpty()) {
        return Optional.empty();
      }
      cur = p.get();
    }
    return Optional.of(out);
  }

  /** Drops blocks far below the committed height; they stay in the ledger, not in consensus memory. */
  void prune(long committedHeight) {
    long floor = committedHeight - retainBlocks;
    if (floor <= 0 || blocks.size() < 2 * retainBlocks) {
      return;
    }
    for (Iterator<Block> it = blocks.values().iterator(); it.hasNext(); ) {
      if (it.next().height() < floor) {
        it.remove();
      }
    }
  }

  int size() {
    return blocks.size();
  }
}
