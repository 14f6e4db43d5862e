import { LockstepEnv } from './lockstep-env.js';

/** The cart-pole's true state (SI units, angles in radians, theta = 0 upright, positive leaning right). */
export interface CartPoleState {
  x: number;
  xDot: number;
  theta: number;
  thetaDot: number;
}

// Gymnasium's CartPole-v1 constants (Barto, Sutton & Anderson 1983).
const GRAVITY = 9.8;
const CART_MASS = 1.0;
const POLE_MASS = 0.1;
const TOTAL_MASS = CART_MASS + POLE_MASS;
/** Half the pole's length: the distance from the pivot to the pole's centre of mass. */
const POLE_HALF_LENGTH = 0.5;
const POLE_MASS_LENGTH = POLE_MASS * POLE_HALF_LENGTH;
const FORCE = 10.0;
/** Seconds per step. */
const TAU = 0.02;
const X_LIMIT = 2.4;
const THETA_LIMIT = (12 * Math.PI) / 180;
/** Every initial state variable is uniform in [-INITIAL_SPREAD, INITIAL_SPREAD]. */
const INITIAL_SPREAD = 0.05;

/**
 * CartPole-v1 as Gymnasium defines it: one agent ('cart/0') pushes the cart
 * left (action 0) or right (action 1) with a fixed force to keep the pole
 * upright. It observes [x, x_dot, theta, theta_dot] and earns 1 for every step
 * taken, the one that drops the pole included. The episode is 'done' once
 * |x| > 2.4 or |theta| > 12 degrees, and 'truncated' after `maxSteps` (500).
 *
 * As in Gymnasium the state is kept in double precision and observed as
 * float32, and integration is explicit Euler in Gymnasium's order (positions
 * advance with the old velocities).
 */
export class CartPole extends LockstepEnv {
  /** The true state; public so tests and controllers can place the cart. */
  readonly world: CartPoleState = { x: 0, xDot: 0, theta: 0, thetaDot: 0 };

  constructor(maxSteps = 500) {
    if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new RangeError(`maxSteps must be a positive integer, got ${maxSteps}`);
    super(1, 'cart', 4, 2, maxSteps);
  }

  protected override beginStep(): void {
    // Only the episode's first step draws anything: the initial state.
    if (this.t !== 0) return;
    const w = this.world;
    w.x = this.initialDraw();
    w.xDot = this.initialDraw();
    w.theta = this.initialDraw();
    w.thetaDot = this.initialDraw();
  }

  protected observe(_agent: number, obs: Float32Array): void {
    const w = this.world;
    obs[0] = w.x;
    obs[1] = w.xDot;
    obs[2] = w.theta;
    obs[3] = w.thetaDot;
  }

  /** Advances the physics by one step (the push is the joint action), then pays 1. */
  protected rewards(actions: ArrayLike<number>, out: Float64Array): void {
    const action = actions[0];
    if (action !== 0 && action !== 1) throw new RangeError(`cart-pole action must be 0 or 1, got ${action}`);
    const w = this.world;
    const force = action === 1 ? FORCE : -FORCE;
    const cos = Math.cos(w.theta);
    const sin = Math.sin(w.theta);
    // The pole's angular acceleration with the cart's reaction eliminated
    // (frictionless form of Barto, Sutton & Anderson's equations).
    const temp = (force + POLE_MASS_LENGTH * w.thetaDot * w.thetaDot * sin) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sin - cos * temp) / (POLE_HALF_LENGTH * (4 / 3 - (POLE_MASS * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    w.x += TAU * w.xDot;
    w.xDot += TAU * xAcc;
    w.theta += TAU * w.thetaDot;
    w.thetaDot += TAU * thetaAcc;
    out[0] = 1;
  }

  protected override isTerminal(): boolean {
    const w = this.world;
    return Math.abs(w.x) > X_LIMIT || Math.abs(w.theta) > THETA_LIMIT;
  }

  private initialDraw(): number {
    return -INITIAL_SPREAD + 2 * INITIAL_SPREAD * this.rng.next();
  }
}
